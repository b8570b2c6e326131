package guard

import "strings"

// The word lists the text rules read. They are a gazetteer, not a
// dictionary of the language: country, region and city names and demonyms in
// English, Japanese, Chinese and Korean; the nouns for people; and the words
// around them that make a phrase about a person rather than an organisation.
// docs/DESIGN-NOTES.md says why a gazetteer and not a morphological analyser.

func set(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[strings.ReplaceAll(w, "_", " ")] = true
	}
	return m
}

// demonyms are English words for a people of a country or region (lower
// case). Two-word demonyms are written with "_".
var demonyms = set(`chinese prc taiwanese hongkonger korean japanese russian iranian persian indian
pakistani vietnamese thai indonesian malaysian filipino singaporean bangladeshi nepali nepalese
sri_lankan mongolian kazakh kazakhstani uzbek kyrgyz tajik turkmen turkish syrian iraqi saudi
egyptian israeli palestinian lebanese afghan belarusian belarussian ukrainian polish german french
british english scottish irish welsh american canadian mexican brazilian australian nigerian
kenyan ethiopian cuban venezuelan italian spanish dutch swedish norwegian finnish danish swiss
austrian greek czech hungarian romanian serbian burmese myanmar cambodian laotian libyan sudanese
yemeni jordanian qatari emirati kuwaiti omani algerian moroccan tunisian ghanaian argentinian
argentine chilean colombian peruvian european asian african arab arabic hispanic latino latina
caucasian armenian azerbaijani georgian bulgarian croatian slovak slovenian lithuanian latvian
estonian portuguese belgian icelandic new_zealander south_korean north_korean south_african
middle_eastern latin_american east_asian south_asian southeast_asian chinese-american
mainland macanese dprk rok`)

// ethnonyms are peoples that are not (or not only) a country's citizens.
var ethnonyms = set(`uyghur uighur uygur tibetan kurdish kurd rohingya hui manchu zhuang pashtun
tamil hmong roma romani ainu ryukyuan zainichi hazara baloch berber yazidi chechen tatar
circassian druze bedouin sami maori aboriginal indigenous black white han`)

// countries are country and region names that can stand before a person noun
// or after "born in", "citizen of" (lower case).
var countries = set(`china prc taiwan hong_kong macau macao korea japan russia iran iraq syria india
pakistan vietnam thailand indonesia malaysia philippines singapore bangladesh nepal mongolia
kazakhstan uzbekistan turkey egypt israel palestine lebanon afghanistan belarus ukraine poland
germany france britain uk england us usa america canada mexico brazil australia nigeria kenya
ethiopia cuba venezuela italy spain netherlands sweden norway finland denmark switzerland austria
greece saudi_arabia uae qatar kuwait libya sudan yemen jordan algeria morocco tunisia myanmar
burma cambodia laos north_korea south_korea xinjiang tibet shanghai beijing shenzhen wuhan
harbin tianjin chongqing guangzhou nanjing hangzhou chengdu xian dalian seoul busan pyongyang
tehran moscow taipei hanoi mumbai delhi karachi lahore istanbul ankara damascus baghdad kyiv
minsk almaty tashkent manila jakarta bangkok
chuugoku chugoku kankoku kitachousen kitachosen betonamu roshia iran indo indoneshia mongoru chousen chosen
taiwan honkon`)

// personNouns name people ("researchers", "nationals").
var personNouns = set(`national nationals citizen citizens researcher researchers student students
scientist scientists scholar scholars postdoc postdocs professor professors engineer engineers
employee employees worker workers staff staffer staffers applicant applicants candidate
candidates visitor visitors man men woman women people person persons individual individuals
graduates undergraduates academic academics lecturer lecturers fellow fellows investigator
investigators author authors coauthor coauthors collaborator collaborators colleague colleagues
intern interns trainee trainees natl natls immigrant immigrants emigrant emigrants migrant
migrants expat expats expatriate expatriates diaspora descendant descendants spouse wife husband
family families parents child children hire hires recruit recruits pi pis phds doctor doctors
physicist physicists chemist chemists mathematician mathematicians technician technicians
developer developers programmer programmers officer officers guy guys girl girls boy boys
youth youths postgraduates alumni alumnus alumna male males female females defector defectors
dissident dissidents exile exiles refugees monk monks nun nuns priest priests imam imams pastor pastors
rabbi rabbis cleric clerics`)

// personModifiers may stand between a demonym and a person noun ("Chinese
// PhD students", "Iranian visiting researchers").
var personModifiers = set(`phd ph d doctoral postdoctoral graduate postgraduate undergraduate master
masters msc visiting exchange female male young senior junior early career mid former current
incoming international overseas research lab laboratory born origin descent co new junior
returning returnee returnees`)

// orgNouns make a phrase about an organisation, place or thing, not a person.
var orgNouns = set(`university universities institute institutes institution institutions academy
academies laboratory laboratories lab labs company companies corporation corporations corp firm
firms government governments ministry ministries agency agencies bank banks programme programmes
program programs project projects fund funds funding foundation foundations council councils
centre center centres centers society societies association associations group groups entity
entities state enterprise enterprises school schools college colleges hospital hospitals
military army navy party embassy consulate authorities authority law laws regulation regulations
market markets supplier suppliers vendor vendors journal journals press media office offices
department departments network networks organisation organisations organization organizations
consortium partner partners team teams venue venues company's talent museum museums federation
republic embassy standards standard security law language languages startup startups brand brands
product products technology technologies congress union unions club clubs federation league
alliance chamber institute`)

// religiousWords name a religion's followers or make a person religious.
var religiousWords = set(`muslim muslims christian christians buddhist buddhists hindu hindus jewish
jew jews catholic catholics protestant protestants sikh sikhs evangelical evangelicals mormon
mormons atheist atheists shia shiite sunni orthodox quaker falun practitioner islamic`)

// placesOfWorship and the words that tie a person to one.
var (
	placesOfWorship = set(`mosque mosques church churches temple temples synagogue synagogues
gurdwara shrine shrines parish congregation mass hijab crucifix turban kippah yarmulke headscarf`)
	worshipLinks = set(`attends attended attending attend worships worship worshipping member
members his her their goes went prays pray praying congregant regular regularly active wears wearing
wore sunday friday sabbath belongs belonged belong joined`)
	religions = set(`islam christianity buddhism hinduism judaism catholicism sikhism`)
)

// negations, looked for before a mention of an attribute in the same
// sentence, make it a denial: "nationality was not a factor".
var negations = set(`not no never without regardless irrespective neither nor t none nothing
nobody cannot irrelevant`)

// copulas join a label to its value in prose: "her nationality is Chinese".
var copulas = set(`is was are were being listed recorded given stated shown declared reported
registered as wa`)

// goodsWords make "country of origin" about goods or funds.
var goodsWords = set(`goods good components component parts part equipment funds fund funding
shipment shipments product products items item materials material devices device lasers laser
money capital payment payments investment investments transfer transfers chips chip software
hardware samples sample reagents cargo export exports import imports technology technologies`)

// personRefs are words that, near a score, make it a person's score.
var personRefs = set(`he she him her his hers himself herself dr prof professor mr mrs ms mx
researcher researchers student students applicant applicants scholar scholars postdoc postdocs
scientist scientists individual individuals person persons people employee employees candidate
candidates visitor visitors investigator pi staff fellow engineer engineers lecturer author
co-author member`)

// riskWords and scoreWords make a score; scoreValues are its values.
var (
	riskWordsEN  = set(`risk suspicion suspiciousness threat trust trustworthiness loyalty danger dangerousness`)
	scoreWordsEN = set(`score scores scored scoring rating ratings rated level levels index grade graded ranking ranked rank probability assessment`)
	scoreValues  = set(`high medium low elevated critical severe moderate minimal very`)
)

// Japanese, Chinese and Korean gazetteer: place names and the people words
// that follow them.
var cjkPlaces = strings.Fields(`中国 中華人民共和国 中華民国 韓国 大韓民国 北朝鮮 朝鮮 台湾 香港 澳門 マカオ
ロシア イラン イラク シリア インド パキスタン ベトナム タイ インドネシア マレーシア フィリピン
シンガポール ミャンマー カンボジア ラオス モンゴル カザフスタン ウズベキスタン トルコ サウジアラビア
エジプト イスラエル パレスチナ アフガニスタン ベラルーシ ウクライナ ポーランド ドイツ フランス イギリス
英国 米国 アメリカ 合衆国 カナダ メキシコ ブラジル オーストラリア ナイジェリア ケニア キューバ ベネズエラ
イタリア スペイン オランダ スイス スウェーデン ノルウェー フィンランド バングラデシュ ネパール スリランカ
日本 外国 無国 二重国 他国 特定国 当該国 懸念国 同国 その国 あの国 某国 アジア 東南アジア 南アジア 中央アジア 中東 アフリカ 中南米 南米 東欧 欧州 ヨーロッパ 上海 北京 天津 重慶 広州 深圳 武漢 南京 杭州 成都 西安 ハルビン 大連 瀋陽 青島
ソウル 釜山 平壌 テヘラン モスクワ 台北 新疆 チベット ウイグル 内モンゴル 延辺 吉林 遼寧 黒竜江 福建 広東 浙江
江蘇 山東 四川 湖北 湖南 河南 河北 雲南 チワン 朝鮮族 ペルシャ アラブ
北海道 青森 岩手 宮城 秋田 山形 福島 茨城 栃木 群馬 埼玉 千葉 東京 神奈川 新潟 富山 石川 福井 山梨 長野
岐阜 静岡 愛知 三重 滋賀 京都 大阪 兵庫 奈良 和歌山 鳥取 島根 岡山 広島 山口 徳島 香川 愛媛 高知 福岡 佐賀
長崎 熊本 大分 宮崎 鹿児島 沖縄 横浜 名古屋 神戸 札幌 仙台
中国大陆 美国 俄罗斯 伊朗 韩国 朝鲜 台灣 臺灣 越南 印度
중국 한국 북한 일본 러시아 이란 미국 대만 베트남 인도 조선`)

// cjkDemonymSuffixes, after a place, make a phrase about a person's origin.
// (人 is checked with care: 中国人民大学 is a university.)
var cjkPersonWords = strings.Fields(`研究者 研究員 学生 留学生 院生 大学院生 教員 職員 社員 技術者 住民 移民
教授 准教授 講師 助教 博士 ポスドク 人 女性 男性 系米国人 出身者 二世 三世 家族 配偶者 同胞 亡命者 難民
脱北者 申請者 応募者 技能実習生`)

// cjkNotAfterPerson: after 人, these make a word that is not a person
// (人民, 人材, 人事 …).
var cjkNotAfterPerson = []string{"民", "材", "事", "工", "口", "間", "権", "類", "格", "文", "道", "気", "形", "員会", "参", "件費", "脈", "数"}

// cjkNegations after a mention make it a denial: 国籍は問わない.
var cjkNegations = []string{"ない", "なく", "せず", "しない", "なし", "不問", "問わ", "無関係", "関係なく",
	"考慮", "問題とせず", "判断材料", "基準としない", "含まない", "収集しない", "記録しない", "不要", "未記載",
	"않", "없", "не ", "нет", "не учитыва", "غير", "لا "}
