package screen

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// The word lists below are written in folded form (lower case; Chinese
// characters in the form hanVariants maps to). init folds them again, so an
// entry written with a traditional character still works.

// legalSuffixes are Latin legal forms dropped from the end of a name.
var legalSuffixes = set(
	"co", "company", "ltd", "limited", "inc", "incorporated", "corp", "corporation", "llc", "llp", "lp",
	"plc", "gmbh", "ag", "kg", "ohg", "ug", "mbh", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy", "oyj", "ab",
	"as", "asa", "aps", "pty", "pte", "pvt", "kk", "jsc", "pjsc", "ojsc", "ooo", "zao", "sdn", "bhd", "tbk",
	"group", "holdings", "holding", "gk", "yk", "branch",
)

// legalPairs are two-word legal forms, at the end (or, for the Japanese
// romanisations, at the start) of a name.
var legalPairs = set(
	"co ltd", "pty ltd", "pte ltd", "pvt ltd", "sdn bhd", "kabushiki kaisha", "kabushiki gaisha",
	"yugen kaisha", "godo kaisha", "gmbh co", "co kg", "s a", "s l", "b v", "n v", "co inc", "co llc",
	"public limited", "private limited",
)

// cjkLegalForms are Japanese and Chinese legal forms, removed wherever they
// stand, longest first.
var cjkLegalForms = []string{
	"集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司",
	"株式会社", "有限会社", "合同会社", "合资会社", "合名会社", "一般社団法人", "公益社団法人",
	"一般财団法人", "公益财団法人", "独立行政法人", "国立研究开発法人", "国立大学法人", "学校法人",
	"(株)", "(有)", "(合)", "(同)", "(社)", "(财)", "(独)", "(学)",
}

// cjkTrailing are Chinese words for "group" and "company" dropped from the
// end of a name; cjkTrailingList holds them longest first.
var cjkTrailing = set("集团", "公司", "集团公司", "控股", "控股集团")

var cjkTrailingList = []string{"控股集团", "集团公司", "集团", "公司", "控股"}

// cjkGenericList are CJK generic words cut from the end of a CJK word, so
// that "清华大学" has the core "清华"; longest first.
var cjkGenericList = []string{
	"大学院大学", "科学技术大学", "工业大学", "理工大学", "科技大学", "技术大学", "师范大学", "医科大学",
	"大学校", "大学", "大学院", "学院", "研究所", "研究院", "研究中心", "研究センター", "センター", "中心",
	"科学院", "工程院", "实验室", "研究室", "技术", "科技", "科学", "工业", "工程", "机构", "学校", "学会",
	"协会", "协议会", "财団", "病院", "医院", "数字", "贸易", "商事", "通商", "产业",
	"电子", "通信", "通讯", "信息", "系统", "制造", "集成电路", "网络", "服务",
}

// genericWords are words that identify no organisation on their own. A name
// made only of them matches nothing by name, and they are not enough for a
// fuzzy or acronym match.
var genericWords = set(
	"university", "universities", "college", "institute", "institution", "school", "academy", "academia",
	"faculty", "department", "center", "laboratory", "research", "science", "technology", "engineering",
	"national", "international", "state", "key", "group", "company", "corporation", "foundation",
	"association", "society", "council", "agency", "ministry", "bureau", "office", "hospital", "medical",
	"medicine", "industrial", "industry", "development", "advanced", "applied", "graduate", "polytechnic",
	"normal", "global", "general", "system", "information", "electronic", "communication", "trading",
	"trade", "service", "services", "solution", "solutions", "consulting", "network", "organization",
	"program", "programme", "fund", "partner", "partners", "enterprise", "studies", "study", "public",
	"private", "central", "federal", "joint", "new", "and", "digital", "science and technology",
	"大学", "学院", "研究所", "研究院", "研究中心", "研究センター", "センター", "中心", "科学院", "工程院",
	"实验室", "研究室", "技术", "科技", "科学", "工业", "工程", "机构", "学校", "学会", "协会", "协议会",
	"财団", "病院", "医院", "大学院", "大学校", "大学院大学", "科学技术大学", "工业大学", "理工大学",
	"科技大学", "技术大学", "师范大学", "医科大学", "国立", "国际", "国家", "中央", "研究", "开発", "开发",
	"数字", "贸易", "商事", "通商", "产业", "电子", "通信", "通讯", "信息", "系统", "制造", "集成电路", "网络", "服务",
	"manufacturing",
)

// placeWords are places: a name whose distinctive words are only places
// ("Beijing", "東京") is not enough to match a longer name that adds generic
// words to them ("Beijing Institute of Technology").
var placeWords = set(
	"china", "japan", "korea", "taiwan", "hong", "kong", "macau", "asia", "pacific", "europe", "america", "usa", "russia",
	"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "northern", "southern",
	"eastern", "western",
	"beijing", "shanghai", "tianjin", "chongqing", "shenzhen", "guangzhou", "wuhan", "nanjing", "hangzhou", "xian",
	"chengdu", "harbin", "changsha", "hefei", "dalian", "shenyang", "jinan", "qingdao", "suzhou", "xiamen", "kunming",
	"lanzhou", "taiyuan", "zhengzhou", "fuzhou", "nanchang", "changchun", "guiyang", "nanning", "wuxi", "ningbo",
	"guangdong", "jiangsu", "zhejiang", "shandong", "sichuan", "hubei", "hunan", "henan", "hebei", "fujian", "anhui",
	"shaanxi", "shanxi", "yunnan", "guizhou", "guangxi", "liaoning", "jilin", "heilongjiang", "gansu", "qinghai",
	"xinjiang", "hainan", "ningxia", "mongolia",
	"tokyo", "kyoto", "osaka", "nagoya", "hokkaido", "tohoku", "kyushu", "kanto", "kansai", "yokohama", "kobe",
	"sapporo", "sendai", "fukuoka", "hiroshima", "chiba", "saitama",
	"中国", "日本", "韩国", "台湾", "香港", "亚洲", "华南", "华北", "华东", "华中", "西北", "西南", "东北", "东南",
	"北京", "上海", "天津", "重庆", "深圳", "广州", "武汉", "南京", "杭州", "西安", "成都", "哈尔滨", "长沙", "合肥",
	"大连", "沈阳", "济南", "青岛", "苏州", "厦门", "昆明", "兰州", "太原", "郑州", "福州", "南昌", "长春", "贵阳",
	"南宁", "无锡", "宁波", "广东", "江苏", "浙江", "山东", "四川", "湖北", "湖南", "河南", "河北", "福建", "安徽",
	"陕西", "山西", "云南", "贵州", "广西", "辽宁", "吉林", "黑龙江",
	"东京", "京都", "大阪", "名古屋", "北海道", "九州", "横浜", "神户", "札幌", "仙台", "福冈", "广岛",
	// Not places, but qualifiers written before a name the same way.
	"中国人民解放军", "人民解放军", "解放军",
)

// cjkPlaceList are the CJK places split off the front of a CJK name,
// longest first (filled by init from placeWords).
var cjkPlaceList []string

// stopWords are dropped from a name's key.
var stopWords = set("of", "the", "for", "and", "in", "at", "on", "de", "des", "du", "la", "le", "der", "die", "das", "fur", "und", "y", "e", "et")

// abbreviations are expanded before comparing, and a few plural and British
// forms are mapped to one spelling.
var abbreviations = map[string]string{
	"univ": "university", "uni": "university", "u": "university", "inst": "institute", "instit": "institute",
	"tech": "technology", "technol": "technology", "technologies": "technology", "natl": "national",
	"nat": "national", "intl": "international", "int": "international", "lab": "laboratory",
	"labs": "laboratory", "laboratories": "laboratory", "sci": "science", "sciences": "science",
	"acad": "academy", "dept": "department", "ctr": "center", "cntr": "center", "centre": "center",
	"centres": "center", "centers": "center", "mfg": "manufacturing", "assoc": "association",
	"assn": "association", "eng": "engineering", "engg": "engineering", "res": "research",
	"systems": "system", "industries": "industry", "electronics": "electronic",
	"communications": "communication", "organisation": "organization", "organisations": "organization",
	"defence": "defense", "aeronautics": "aeronautic", "aeronautical": "aeronautic",
	"astronautics": "astronautic", "astronautical": "astronautic", "med": "medical", "hosp": "hospital",
	"polytech": "polytechnic", "poly": "polytechnic", "coll": "college", "grad": "graduate",
	"st": "saint", "mt": "mount", "ft": "fort", "dev": "development", "info": "information",
	"telecommunications": "telecommunication", "telecom": "telecommunication", "materials": "material",
	"instruments": "instrument", "devices": "device", "products": "product", "networks": "network",
	"institutes": "institute", "academies": "academy", "colleges": "college", "schools": "school",
	"studies": "study", "programs": "program", "programmes": "program", "programme": "program",
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func init() {
	foldSet := func(m map[string]bool) {
		for w := range m {
			if f := foldHan(w); f != w {
				m[f] = true
			}
		}
	}
	foldSet(genericWords)
	foldSet(placeWords)
	foldSet(cjkTrailing)
	foldList := func(l []string) []string {
		for i, w := range l {
			l[i] = foldHan(w)
		}
		// Longest first, so that a longer form is cut before its tail.
		slices.SortStableFunc(l, func(a, b string) int {
			return utf8.RuneCountInString(b) - utf8.RuneCountInString(a)
		})
		return l
	}
	cjkLegalForms = foldList(cjkLegalForms)
	cjkTrailingList = foldList(cjkTrailingList)
	cjkGenericList = foldList(cjkGenericList)
	for w := range placeWords {
		if r, _ := utf8.DecodeRuneInString(w); isCJK(r) {
			cjkPlaceList = append(cjkPlaceList, w)
		}
	}
	cjkPlaceList = foldList(cjkPlaceList)
}

func foldHan(s string) string {
	return strings.Map(func(r rune) rune {
		if v, ok := hanVariants[r]; ok {
			return v
		}
		return r
	}, s)
}

// hanVariants maps traditional Chinese characters and Japanese shinjitai
// that differ from simplified Chinese to the simplified form, for the
// characters common in organisation names. It is a matching fold, not a
// conversion: "東京" and "东京" compare equal; neither is shown changed.
var hanVariants = func() map[rune]rune {
	pairs := []string{
		"學学", "國国", "華华", "會会", "東东", "電电", "術术", "業业", "際际", "體体", "機机", "實实", "驗验",
		"團团", "衛卫", "艦舰", "裝装", "備备", "導导", "彈弹", "飛飞", "發发", "開开", "資资", "訊讯", "網网",
		"絡络", "號号", "廣广", "長长", "門门", "軍军", "醫医", "藥药", "鐵铁", "車车", "陽阳", "陳陈", "產产",
		"産产", "興兴", "與与", "擧举", "舉举", "應应", "應应", "廠厂", "場场", "處处", "員员", "貿贸", "易易",
		"務务", "設设", "計计", "記记", "語语", "說说", "論论", "調调", "談谈", "證证", "識识", "議议",
		"讀读", "變变", "貨货", "費费", "質质", "財财", "責责", "買买", "賣卖", "貴贵", "戰战", "經经",
		"紀纪", "約约", "紅红", "級级", "組组", "織织", "結结", "給给", "統统", "綜综", "維维", "線线",
		"練练", "總总", "縣县", "島岛", "嶺岭", "灣湾", "湾湾", "漢汉", "滬沪", "瀋沈", "濟济", "澤泽",
		"沢泽", "運运", "進进", "遠远", "連连", "達达", "過过", "選选", "遼辽", "邊边", "鄉乡", "鄭郑",
		"鋼钢", "錦锦", "鏡镜", "鐘钟", "鑫鑫", "間间", "關关", "陸陆", "隊队", "際际", "雙双", "雲云",
		"靈灵", "順顺", "頓顿", "領领", "頭头", "題题", "顯显", "風风", "館馆", "馬马", "驅驱", "體体",
		"鳥鸟", "鹽盐", "麗丽", "齊齐", "龍龙", "龜龟", "億亿", "優优", "傳传", "價价", "儀仪", "兒儿",
		"內内", "兩两", "創创", "劃划", "勞劳", "勢势", "區区", "協协", "單单", "衛卫", "歷历", "壓压",
		"參参", "台台", "臺台", "聯联", "聲声", "職职", "腦脑", "農农", "與与", "艱艰", "蘇苏", "萬万",
		"葉叶", "蒙蒙", "藝艺", "蘭兰", "虛虚", "號号", "蟲虫", "術术", "衝冲", "製制", "複复", "見见",
		"視视", "親亲", "觀观", "訓训", "詢询", "試试", "話话", "詳详", "誠诚", "課课", "請请", "諮咨",
		"謀谋", "講讲", "護护", "讓让", "豐丰", "負负", "販贩", "貫贯", "賓宾", "賽赛", "贊赞", "軟软",
		"輕轻", "載载", "輸输", "轉转", "辦办", "農农", "鄧邓", "醫医", "釋释", "銀银", "銷销", "鎮镇",
		"閩闽", "陰阴", "險险", "隨随", "隱隐", "雜杂", "離离", "難难", "電电", "霧雾", "響响", "頻频",
		"類类", "額额", "飼饲", "養养", "餘余", "騰腾", "體体", "髮发", "鬥斗", "魯鲁", "鮮鲜", "鳳凤",
		"黃黄", "黑黑", "點点", "齒齿", "学学", "国国", "会会", "団团", "沢泽", "広广", "区区", "県县",
		"医医", "薬药", "鉄铁", "駅驿", "気气", "発发", "転转", "伝传", "営营", "検检", "験验", "研研",
		"総总", "経经", "済济", "労劳", "働动", "権权", "証证", "図图", "圏圈", "売卖", "読读", "関关",
		"楽乐", "歯齿", "変变", "様样", "応应", "恵惠", "処处", "実实", "宝宝", "寿寿", "専专", "将将",
		"帯带", "庁厅", "弾弹", "従从", "徳德", "戦战", "拠据", "択择", "数数", "断断", "晋晋", "条条",
		"栄荣", "桜樱", "歩步", "歴历", "毎每", "浅浅", "涙泪", "渋涩", "満满", "灯灯", "焼烧", "状状",
		"独独", "獣兽", "産产", "画画", "界界", "県县", "称称", "窓窗", "竜龙", "粋粹", "緑绿",
		"縄绳", "繊纤", "聴听", "脳脑", "臓脏", "芸艺", "蔵藏", "虫虫", "衆众", "装装", "覚觉", "観观",
		"訳译", "譲让", "豊丰", "賛赞", "軽轻", "辺边", "遅迟", "郷乡", "酔醉", "釈释", "鉱矿", "銭钱",
		"録录", "鋳铸", "閲阅", "陥陷", "険险", "隣邻", "隷隶", "雑杂", "霊灵", "頼赖", "顕显", "騒骚",
		"駆驱", "黙默", "齢龄", "亜亚", "悪恶", "圧压", "囲围", "為为", "衛卫", "鋭锐", "円圆", "縁缘",
		"価价", "画画", "絵绘", "拡扩", "殻壳", "岳岳", "勧劝", "巻卷", "陥陷", "漢汉", "帰归", "犠牺",
		"旧旧", "拠据", "挙举", "峡峡", "区区", "駆驱", "径径", "茎茎", "継继", "鶏鸡", "芸艺", "軽轻",
		"剣剑", "険险", "圏圈", "権权", "顕显", "験验", "厳严", "広广", "効效", "鉱矿", "号号", "国国",
		"済济", "砕碎", "斎斋", "剤剂", "雑杂", "参参", "桟栈", "蚕蚕", "惨惨", "賛赞", "残残", "糸丝",
		"歯齿", "児儿", "辞辞", "湿湿", "実实", "写写", "釈释", "寿寿", "収收", "従从", "渋涩", "獣兽",
		"縦纵", "粛肃", "処处", "緒绪", "叙叙", "奨奖", "焼烧", "称称", "証证", "乗乘", "浄净", "剰剩",
		"畳叠", "嬢娘", "譲让", "醸酿", "触触", "嘱嘱", "寝寝", "慎慎", "真真", "図图", "粋粹", "酔醉",
		"穂穗", "随随", "髄髓", "枢枢", "数数", "摂摄", "窃窃", "繊纤", "銭钱", "潜潜", "践践", "禅禅",
		"双双", "壮壮", "争争", "荘庄", "捜搜", "挿插", "巣巢", "装装", "僧僧", "層层", "総总", "騒骚",
		"増增", "蔵藏", "臓脏", "即即", "属属", "続续", "堕堕", "対对", "体体", "帯带", "滞滞", "台台",
		"滝泷", "択择", "沢泽", "担担", "単单", "胆胆", "団团", "弾弹", "断断", "痴痴", "遅迟", "昼昼",
		"虫虫", "鋳铸", "庁厅", "徴征", "聴听", "勅敕", "鎮镇", "塚冢", "逓递", "鉄铁", "点点", "転转",
		"伝传", "都都", "灯灯", "当当", "党党", "盗盗", "稲稻", "闘斗", "徳德", "独独", "読读", "届届",
		"弐贰", "悩恼", "脳脑", "廃废", "拝拜", "売卖", "麦麦", "発发", "髪发", "抜拔", "晩晚", "蛮蛮",
		"秘秘", "浜滨", "払拂", "仏佛", "併并", "塀塀", "辺边", "変变", "舗铺", "歩步", "穂穗",
		"宝宝", "豊丰", "褒褒", "没没", "翻翻", "毎每", "万万", "満满", "黙默", "訳译", "薬药", "予予",
		"余余", "与与", "誉誉", "揺摇", "様样", "謡谣", "来来", "頼赖", "乱乱", "覧览", "竜龙", "両两",
		"猟猎", "緑绿", "塁垒", "涙泪", "励励", "礼礼", "暦历", "歴历", "恋恋", "炉炉", "労劳", "楼楼",
		"録录", "湾湾", "蒋蒋", "晶晶", "辨辨", "瓣瓣",
		"無无", "錫锡", "義义", "濱滨", "貴贵", "寧宁", "廈厦", "慶庆", "爾尔", "贛赣", "晉晋", "陝陕", "廳厅",
		"測测", "繪绘", "礦矿", "鋁铝", "銅铜", "鎳镍", "鈦钛", "釩钒", "鋰锂", "數数", "據据", "庫库", "環环",
		"節节", "輻辐", "檢检", "認认", "標标", "準准", "監监", "審审", "專专", "動动", "熱热", "氣气", "輪轮",
		"軌轨", "跡迹", "遙遥", "積积", "樂乐", "歡欢", "寶宝", "鑽钻", "銳锐", "緯纬", "聖圣", "師师", "範范",
		"郵邮", "圖图", "書书", "構构", "視视", "電电", "腦脑", "創创", "術术", "彙汇", "匯汇", "鋒锋", "鏈链",
		"傑杰", "屬属", "壽寿", "愛爱", "態态", "憑凭", "擁拥", "攝摄", "擴扩", "時时", "曉晓", "權权", "樹树",
		"橋桥", "檔档", "歐欧", "殲歼", "氫氢", "潔洁", "濾滤", "灣湾", "燈灯", "爐炉", "獲获", "環环", "瑪玛",
		"畫画", "盧卢", "碼码", "礎础", "穩稳", "範范", "築筑", "簡简", "糧粮", "紡纺", "線线", "編编", "縫缝",
		"績绩", "繼继", "續续", "羅罗", "聯联", "膠胶", "艦舰", "蘊蕴", "衆众", "詮诠", "諾诺", "譜谱", "負负",
		"貝贝", "賀贺", "賴赖", "趙赵", "車车", "軒轩", "較较", "輝辉", "農农", "鄰邻", "釣钓", "鈞钧", "鉑铂",
		"銘铭", "鋒锋", "錢钱", "鍵键", "鎖锁", "鏈链", "閃闪", "閣阁", "闊阔", "陣阵", "陸陆", "隆隆", "雞鸡",
		"靜静", "韓韩", "頌颂", "預预", "頤颐", "顧顾", "飲饮", "餐餐", "馳驰", "騏骐", "驗验", "鬆松", "鴻鸿",
		"鵬鹏", "麥麦", "鼎鼎", "齡龄", "龐庞", "啟启", "啓启", "嘯啸", "圓圆", "團团", "堅坚", "場场", "塊块",
		"壇坛", "夢梦", "奧奥", "媽妈", "嬰婴", "寫写", "將将", "對对", "層层", "嶼屿", "巖岩", "幣币", "幫帮",
		"庫库", "廬庐", "彌弥", "徑径", "從从", "徵征", "悅悦", "惡恶", "愛爱", "憶忆", "懷怀", "戲戏", "護护",
	}
	m := make(map[rune]rune, len(pairs))
	for _, p := range pairs {
		rs := []rune(p)
		if len(rs) == 2 && rs[0] != rs[1] {
			m[rs[0]] = rs[1]
		}
	}
	return m
}()
