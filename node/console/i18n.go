package console

import (
	"strings"
	"unicode"
)

// messages holds every text the console shows, in English and Japanese.
// A key missing here shows as the key itself, which a test catches.
var messages = map[string][2]string{
	"app":                 {"URSIC console", "URSIC コンソール"},
	"nav.inbox":           {"Inbox", "受信一覧"},
	"nav.publish":         {"Publish", "共有する"},
	"nav.peers":           {"Peers and roster", "ピアと名簿"},
	"nav.audit":           {"Audit log", "監査ログ"},
	"nav.trends":          {"Trends", "傾向"},
	"nav.similar":         {"相場感 (similar cases)", "相場感"},
	"nav.screen":          {"Screening", "スクリーニング"},
	"trends.title":        {"Trends", "傾向"},
	"trends.intro.sec":    {"The consortium's cases aggregated over every member, with disclosure control applied: a cell too small or dominated by one member is suppressed, not shown as zero.", "全会員の事例を集計した表です。開示制御を適用済みで、件数が少ないセルや一機関が大半を占めるセルは 0 ではなく「秘匿」と表示されます。"},
	"trends.intro.member": {"Trend reports the secretariat sent to the members, newest first. They hold only the cells disclosure control let through.", "事務局から会員に送られた傾向レポート（新しい順）。開示制御を通過したセルのみを含みます。"},
	"trends.chart":        {"Records per published cell", "公開セルごとの記録数"},
	"trends.suppressed":   {"suppressed", "秘匿"},
	"trends.records":      {"Records", "記録数"},
	"trends.members":      {"Members", "会員数"},
	"trends.totals":       {"Totals", "小計"},
	"trends.period":       {"Period", "期間"},
	"trends.thresholds":   {"Suppression thresholds", "秘匿基準"},
	"trends.none":         {"No cases to aggregate yet.", "集計できる事例はまだありません。"},
	"trends.noreports":    {"No trend report has been received yet.", "傾向レポートはまだ届いていません。"},
	"trends.report":       {"Report", "レポート"},
	"trends.from":         {"From", "作成"},
	"trends.unpublished":  {"Cells not published in this report are suppressed (below the thresholds); they are left out, never counted as zero.", "このレポートにないセルは秘匿（基準未満）であり、0 件という意味ではありません。"},
	"reason.k":            {"fewer than k records", "記録数が k 未満"},
	"reason.m":            {"fewer than m members", "会員数が m 未満"},
	"reason.dominance":    {"one member dominates", "一機関が大半を占める"},
	"reason.secondary":    {"would reveal a suppressed cell", "秘匿セルが推測できるため"},
	"reason.":             {"not published", "非公開"},
	"similar.title":       {"相場感: how similar cases ended", "相場感：類似事例の結果"},
	"similar.intro":       {"For a category (an indicator's reason or a method's tactic), the outcomes of the cases this node can read beside the consortium-wide figures of the latest trend report.", "分類（指標の理由の分類、または手口の分類）を指定すると、このノードで読める事例の結果と、最新の傾向レポートによるコンソーシアム全体の数値を並べて表示します。"},
	"similar.category":    {"Category", "分類"},
	"similar.techarea":    {"Technology area (optional)", "技術分野（任意）"},
	"similar.show":        {"Show", "表示"},
	"similar.outcome":     {"Outcome", "対応結果"},
	"similar.readable":    {"this node", "このノード"},
	"similar.consortium":  {"consortium", "コンソーシアム"},
	"similar.chart":       {"Outcomes", "対応結果"},
	"similar.records":     {"Records this node can read", "このノードで読める記録"},
	"similar.report":      {"Consortium figures from report", "コンソーシアムの数値（レポート）"},
	"similar.noreport":    {"No trend report gives consortium-wide figures for this yet.", "この条件についてコンソーシアム全体の数値を示す傾向レポートはまだありません。"},
	"similar.mitigations": {"Mitigations used", "講じられた対策"},
	"similar.nomitig":     {"None recorded.", "記録なし。"},
	"similar.none":        {"No readable records in this category.", "この分類で読める記録はありません。"},
	"screen.title":        {"Screen a list", "リストのスクリーニング"},
	"screen.intro":        {"Upload a list of organisations (xlsx, CSV in UTF-8 or Shift_JIS, or one name a line) to check it against the indicators this node can read. The file is not stored.", "組織のリスト（xlsx、UTF-8 または Shift_JIS の CSV、または 1 行 1 名称）をアップロードすると、このノードで読める指標と照合します。ファイルは保存されません。"},
	"screen.file":         {"List file (up to 8 MiB)", "リストファイル（8 MiB まで）"},
	"screen.all":          {"Include expired indicators", "期限切れの指標も含める"},
	"screen.go":           {"Screen", "照合する"},
	"screen.nofile":       {"Choose a list file to upload.", "アップロードするリストファイルを選んでください。"},
	"screen.toolarge":     {"The file is larger than 8 MiB: split the list into parts.", "ファイルが 8 MiB を超えています。リストを分割してください。"},
	"screen.nothing":      {"There is no screening to download: upload a list first.", "ダウンロードできる照合結果がありません。先にリストをアップロードしてください。"},
	"screen.csv":          {"Download CSV (for Excel)", "CSV をダウンロード（Excel 用）"},
	"screen.row":          {"Row", "行"},
	"screen.name":         {"Name in the list", "リスト上の名称"},
	"screen.matched":      {"Matched", "一致した名称"},
	"screen.how":          {"How", "一致の種類"},
	"screen.score":        {"Score", "スコア"},
	"screen.severity":     {"Severity", "深刻度"},
	"screen.record":       {"Record", "記録"},
	"screen.nohits":       {"no match", "該当なし"},
	"screen.summary":      {"rows screened, hits:", "行を照合、該当："},
	"screen.incomplete":   {"The node is still opening its stored records after a start: indicators not yet opened cannot match.", "ノード起動直後のため、保存済みの記録を読み込み中です。未読み込みの指標は照合されません。"},
	"nav.signout":         {"Sign out", "サインアウト"},
	"nav.lang":            {"日本語", "English"},
	"nav.skip":            {"Skip to content", "本文へ移動"},
	"signedin.title":      {"Signed in", "サインインしました"},
	"signedin.body":       {"You are signed in to this node's console. The session ends when you sign out, after 30 minutes without use, or 12 hours after signing in.", "このノードのコンソールにサインインしました。サインアウトするか、30 分間操作がないか、サインインから 12 時間たつとセッションは終了します。"},
	"signedin.go":         {"Open the inbox", "受信一覧を開く"},
	"signedout.title":     {"Signed out", "サインアウトしました"},
	"signedout.body":      {"To sign in again, run `ursic console` on the node's machine and open the link it prints.", "再度サインインするには、ノードのマシンで `ursic console` を実行し、表示されたリンクを開いてください。"},
	"err.title":           {"Something went wrong", "エラー"},
	"err.notfound":        {"There is no console page at this address.", "このアドレスにはコンソールのページがありません。"},
	"err.signin":          {"This sign-in link is not valid: it was already used, it expired (links last 2 minutes), or it was mistyped.", "このサインイン用リンクは無効です。使用済み、期限切れ（有効期間は 2 分）、または入力誤りの可能性があります。"},
	"err.nosession":       {"You are not signed in, or your session ended (sign-out, or 30 minutes without use).", "サインインしていないか、セッションが終了しました（サインアウト、または 30 分間操作なし）。"},
	"err.signinhint":      {"Run `ursic console` on the node's machine and open the link it prints.", "ノードのマシンで `ursic console` を実行し、表示されたリンクを開いてください。"},
	"err.csrf":            {"This form is out of date or did not come from this console (its security token does not match). Reload the page and try again.", "このフォームは古いか、このコンソールから送信されたものではありません（セキュリティトークンが一致しません）。ページを再読み込みしてやり直してください。"},
	"inbox.noauthor":      {"No member of the roster has that name. The author filter takes part of a member's name as the roster writes it, or a peer ID. Members:", "その名称の会員は名簿にありません。作成機関には、名簿に記載された名称の一部またはピア ID を入力してください。名簿の会員："},
	"err.node":            {"The node refused the request:", "ノードが要求を拒否しました："},
	"err.hint":            {"Hint:", "ヒント："},
	"inbox.title":         {"Inbox", "受信一覧"},
	"inbox.intro":         {"Records this node can read, newest first.", "このノードで読める記録（新しい順）。"},
	"inbox.kind":          {"Kind", "種別"},
	"inbox.tlp":           {"TLP", "TLP"},
	"inbox.author":        {"Author", "作成機関"},
	"inbox.q":             {"Search text", "テキスト検索"},
	"inbox.expired":       {"Show expired", "期限切れも表示"},
	"inbox.any":           {"Any", "すべて"},
	"inbox.filter":        {"Filter", "絞り込む"},
	"inbox.clear":         {"Clear filters", "条件をクリア"},
	"inbox.created":       {"Received", "作成日時"},
	"inbox.titlecol":      {"Title", "タイトル"},
	"inbox.validity":      {"Valid until", "有効期限"},
	"inbox.none":          {"No records match.", "該当する記録はありません。"},
	"inbox.count":         {"records", "件"},
	"inbox.showing":       {"Showing", "表示中："},
	"inbox.of":            {"of", "／全"},
	"inbox.prev":          {"Newer", "前へ"},
	"inbox.next":          {"Older", "次へ"},
	"inbox.new":           {"New", "新着"},
	"inbox.newsince":      {"new since your last visit", "件が前回の訪問以降に届きました"},
	"inbox.expiredtag":    {"expired", "期限切れ"},
	"inbox.retracted":     {"retracted", "撤回済み"},
	"inbox.indexing":      {"The node is still opening its stored records after a start: the list is not complete yet.", "ノード起動直後のため、保存済みの記録を読み込み中です。一覧はまだ完全ではありません。"},
	"inbox.novalidity":    {"—", "—"},
	"rec.title":           {"Record", "記録"},
	"rec.kind":            {"Kind", "種別"},
	"rec.author":          {"Author", "作成機関"},
	"rec.created":         {"Created", "作成日時"},
	"rec.audience":        {"Audience", "共有範囲"},
	"rec.caveats":         {"Caveats", "注意事項"},
	"rec.validuntil":      {"Valid until", "有効期限"},
	"rec.reviewdue":       {"Review due", "見直し期日"},
	"rec.cid":             {"Record ID (CID)", "記録 ID（CID）"},
	"rec.handling":        {"Handling", "取り扱い"},
	"rec.export":          {"May leave the consortium through a liaison (STIX/TAXII).", "連携窓口（STIX/TAXII）を通じてコンソーシアム外へ出すことができます。"},
	"rec.noexport":        {"Never leaves the consortium through a liaison.", "連携窓口を通じてコンソーシアム外へ出ることはありません。"},
	"rec.fields":          {"Content", "内容"},
	"rec.retracted":       {"This record was retracted by its author. Reason:", "この記録は作成機関により撤回されました。理由："},
	"rec.retract":         {"Retract this record", "この記録を撤回する"},
	"rec.reason":          {"Reason (sent to every recipient)", "理由（すべての受信者に送られます）"},
	"rec.warning":         {"Retracting removes the record from every node that holds it and tells its readers why. It cannot recall what people have already read: anyone who opened it may have noted or copied it.", "撤回すると、この記録を保持するすべてのノードから削除され、受信者に理由が伝えられます。ただし、すでに読まれた内容を取り消すことはできません。開いた人がメモや複製をしている可能性があります。"},
	"rec.retractbtn":      {"Retract", "撤回する"},
	"rec.retractdone":     {"The record is retracted; the retraction is on its way to the recipients.", "記録を撤回しました。撤回の通知は受信者へ送られています。"},
	"rec.received":        {"Sealed to", "受信者"},
	"rec.receivedunknown": {"Published under an earlier roster: see the author's node.", "以前の名簿で共有されました。作成機関のノードで確認してください。"},
	"rec.log":             {"Log and sequence", "ログと連番"},
	"rec.expired":         {"This indicator has expired.", "この指標は有効期限が切れています。"},
	"rec.overdue":         {"Review is overdue.", "見直し期日を過ぎています。"},
	"pub.title":           {"Publish a record", "記録を共有する"},
	"pub.intro":           {"Choose what you are sharing. The guardrails check the text as you type; nothing is sent until you press Publish.", "共有する内容の種類を選んでください。入力中にガードレールが内容を確認します。「共有する」を押すまで何も送信されません。"},
	"pub.policy":          {"Who may read it", "共有範囲"},
	"pub.tlp":             {"TLP level", "TLP レベル"},
	"pub.audience":        {"Audience", "共有先"},
	"pub.confirm":         {"I confirm that the personal data flagged below is necessary and may be shared.", "以下で指摘された個人データは必要なものであり、共有してよいことを確認しました。"},
	"pub.submit":          {"Publish", "共有する"},
	"pub.check":           {"Guardrails and recipients", "ガードレールと受信者"},
	"pub.checking":        {"Checking…", "確認中…"},
	"pub.ok":              {"No findings: this record may be published.", "指摘はありません。この記録は共有できます。"},
	"pub.incomplete":      {"Not ready yet:", "まだ共有できません："},
	"pub.choose":          {"Choose…", "選択してください"},
	"pub.self":            {"this node", "このノード"},
	"pub.missing":         {"Still to fill in:", "未入力の必須項目："},
	"pub.refused":         {"Refused — this rule cannot be overridden. Remove the phrase:", "拒否 — この規則は例外にできません。該当箇所を削除してください："},
	"pub.flagged":         {"Flagged — personal data; publish only if it is necessary and you confirm:", "要確認 — 個人データの可能性があります。必要な場合のみ、確認のうえ共有してください："},
	"pub.recipients":      {"Will receive it", "受信する機関"},
	"pub.nonrecip":        {"Will not receive it", "受信しない機関"},
	"pub.onlyself":        {"Only this node (no roster: a consortium of one).", "このノードのみ（名簿なし：単独構成）。"},
	"pub.nojs":            {"Without JavaScript the check runs when you press Publish.", "JavaScript が無効な場合は「共有する」を押したときに確認します。"},
	"pub.done":            {"Published.", "共有しました。"},
	"pub.fieldfor":        {"in", "箇所："},
	"pub.required":        {"required", "必須"},
	"pub.listhint":        {"separate with commas", "カンマ区切り"},
	"pub.lineshint":       {"one per line", "1 行に 1 つ"},
	// Audit events, as the node writes them (node/audit.go).
	"audit.event.open":                 {"open", "閲覧"},
	"audit.event.publish":              {"publish", "公開"},
	"audit.event.retract":              {"retract", "撤回"},
	"audit.event.import":               {"import", "取り込み"},
	"audit.event.export":               {"export", "提携先への提供"},
	"audit.event.inbox":                {"inbox", "提携先からの受領"},
	"audit.event.restore":              {"restore", "復元"},
	"audit.event.roster":               {"roster", "名簿の更新"},
	"audit.event.roster-fork":          {"roster-fork", "名簿の分岐を検知"},
	"audit.event.roster-fork-resolved": {"roster-fork-resolved", "名簿の分岐を解消"},
	"audit.event.screen":               {"screen", "スクリーニング"},
	"kind.indicator":                   {"Indicator", "指標"},
	"kind.method":                      {"Case write-up (method)", "手口（事例）"},
	"kind.sighting":                    {"Sighting (we met this too)", "遭遇報告"},
	"kind.trend":                       {"Trend report", "傾向レポート"},
	"kind.retraction":                  {"Retraction", "撤回"},
	"kind.facet":                       {"Facet", "ファセット"},
	"peers.title":                      {"Peers and roster", "ピアと名簿"},
	"peers.node":                       {"This node", "このノード"},
	"peers.connected":                  {"Connected peers", "接続中のピア"},
	"peers.none":                       {"No peer is connected.", "接続中のピアはありません。"},
	"peers.since":                      {"Connected since", "接続開始"},
	"peers.roster":                     {"Roster", "名簿"},
	"peers.noroster":                   {"This node has no roster: it is a consortium of one.", "このノードには名簿がありません（単独構成）。"},
	"peers.rosterversion":              {"Roster version", "名簿の版"},
	"peers.version":                    {"Version", "版"},
	"peers.threshold":                  {"Signatures needed for a change", "変更に必要な署名数"},
	"peers.name":                       {"Name", "名称"},
	"peers.role":                       {"Role", "役割"},
	"peers.exec":                       {"Executive", "執行役"},
	"peers.groups":                     {"Groups", "グループ"},
	"peers.online":                     {"Connected", "接続"},
	"peers.peerid":                     {"Peer ID", "ピア ID"},
	"peers.records":                    {"Records", "記録数"},
	"peers.alarms":                     {"Alarms", "警告"},
	"peers.fork":                       {"Roster fork: this peer holds another roster of the same version. Not syncing with it.", "名簿の分岐：このピアは同じ版の別の名簿を持っています。同期を停止しています。"},
	"peers.equiv":                      {"Equivocations seen (an author signed two different records at the same place in its log)", "二重署名の検出数（作成者が同じログ位置に異なる記録を署名）"},
	"peers.noalarm":                    {"No alarms.", "警告はありません。"},
	"peers.yes":                        {"yes", "はい"},
	"prop.title":                       {"Pending proposal", "変更案（署名待ち）"},
	"prop.intro":                       {"Load a proposed next roster version (the file `ursic roster propose` wrote, or its text) to see what it changes and how many executives have signed it.", "名簿の次の版の変更案（`ursic roster propose` が出力したファイルまたはその内容）を読み込むと、変更点と執行役の署名数を確認できます。"},
	"prop.file":                        {"Proposal file", "変更案のファイル"},
	"prop.text":                        {"or paste its text", "または内容を貼り付け"},
	"prop.load":                        {"Show the changes", "変更点を表示"},
	"prop.version":                     {"Proposed version", "変更案の版"},
	"prop.changes":                     {"Changes against the installed roster", "現在の名簿からの変更点"},
	"prop.nochange":                    {"No change to members, groups, executives or threshold.", "会員・グループ・執行役・必要署名数に変更はありません。"},
	"prop.signatures":                  {"Valid executive signatures", "有効な執行役の署名"},
	"prop.of":                          {"of", "／必要数"},
	"prop.enough":                      {"It has enough signatures and can be applied.", "必要な署名が揃っており、適用できます。"},
	"prop.more":                        {"More executives must sign it before it can be applied: download it and pass it on.", "適用するには、さらに執行役の署名が必要です。ダウンロードして次の執行役に渡してください。"},
	"prop.sign":                        {"Sign with this node's key", "このノードの鍵で署名"},
	"prop.signwarn":                    {"Sign only if you have read the changes above and your institution agrees with them.", "上記の変更点を確認し、所属機関として同意する場合にのみ署名してください。"},
	"prop.hassigned":                   {"This node has signed it.", "このノードは署名済みです。"},
	"prop.notexec":                     {"This node is not an executive of the installed roster, so it cannot sign.", "このノードは現在の名簿の執行役ではないため、署名できません。"},
	"prop.download":                    {"Download the signed proposal", "署名済みの変更案をダウンロード"},
	"prop.apply":                       {"Apply (install this roster version)", "適用（この版の名簿を導入）"},
	"prop.signeddone":                  {"Signed: %d of the %d signatures needed.", "署名しました（必要な %[2]d 件中 %[1]d 件）。"},
	"prop.applied":                     {"Roster installed: version", "名簿を導入しました。版："},
	"prop.notnext":                     {"This is roster version %d, but this node has version %d: only the next version can be signed or applied.", "この変更案は第 %d 版ですが、このノードの名簿は第 %d 版です。署名・適用できるのは次の版のみです。"},
	"prop.fork":                        {"This proposal does not follow the installed version %d (its previous-version hash differs): a roster fork. Do not sign it.", "この変更案は現在の第 %d 版に続くものではありません（前の版のハッシュが異なります）。名簿の分岐のため、署名しないでください。"},
	"prop.none":                        {"Choose a proposal file or paste its text.", "変更案のファイルを選ぶか、内容を貼り付けてください。"},
	"prop.toolarge":                    {"The proposal is larger than 16 MiB.", "変更案が 16 MiB を超えています。"},
	"prop.hint":                        {"load the file that `ursic roster propose` wrote", "`ursic roster propose` が出力したファイルを読み込んでください"},
	"prop.added":                       {"Member added", "会員の追加"},
	"prop.removed":                     {"Member removed", "会員の削除"},
	"prop.renamed":                     {"Name changed", "名称の変更"},
	"prop.role":                        {"Role changed", "役割の変更"},
	"prop.recipient":                   {"Encryption key (recipient) changed", "暗号化鍵（受信者鍵）の変更"},
	"prop.addrs":                       {"Network addresses changed", "ネットワークアドレスの変更"},
	"prop.execadded":                   {"Executive added", "執行役の追加"},
	"prop.execremoved":                 {"Executive removed", "執行役の解任"},
	"prop.groupadded":                  {"Group created", "グループの新設"},
	"prop.groupremoved":                {"Group deleted", "グループの廃止"},
	"prop.groupjoin":                   {"Joins group", "グループへの追加"},
	"prop.groupleave":                  {"Leaves group", "グループからの除外"},
	"prop.threshold":                   {"Signatures needed for later changes", "以後の変更に必要な署名数"},
	"audit.title":                      {"Audit log", "監査ログ"},
	"audit.intact":                     {"The audit log is intact: every line is signed and chains to the head anchored in the store.", "監査ログは改ざんされていません。すべての行が署名され、ストアに記録された先頭につながっています。"},
	"audit.tampered":                   {"The audit log has been altered:", "監査ログが改ざんされています："},
	"audit.lines":                      {"Lines", "行数"},
	"audit.recent":                     {"Recent entries", "最近の記録"},
	"audit.time":                       {"Time", "日時"},
	"audit.event":                      {"Event", "イベント"},
	"audit.detail":                     {"Detail", "詳細"},
	"audit.seq":                        {"No.", "番号"},
	"audit.none":                       {"No entries.", "記録はありません。"},
	"role.member":                      {"member", "会員"},
	"role.secretariat":                 {"secretariat", "事務局"},
	"role.liaison":                     {"liaison", "連携窓口"},
}

// fieldLabels name record fields for reading and in the publish form.
var fieldLabels = map[string][2]string{
	"title":                {"Title", "タイトル"},
	"indicator_type":       {"Indicator type", "指標の種類"},
	"subject":              {"Subject", "対象"},
	"names":                {"Names", "名称"},
	"value":                {"Name", "名称"},
	"lang":                 {"Language", "言語"},
	"type":                 {"Type", "種類"},
	"jurisdiction":         {"Jurisdiction (country code)", "所在国（国コード）"},
	"ids":                  {"Identifiers", "識別子"},
	"ror":                  {"ROR ID", "ROR ID"},
	"reason_category":      {"Reason", "理由の分類"},
	"summary":              {"Summary", "概要"},
	"tech_areas":           {"Technology areas", "技術分野"},
	"tech_area":            {"Technology area", "技術分野"},
	"severity":             {"Severity", "深刻度"},
	"confidence":           {"Confidence", "確度"},
	"valid_from":           {"Valid from", "有効開始日"},
	"valid_until":          {"Valid until", "有効期限"},
	"review_due":           {"Review due", "見直し期日"},
	"basis":                {"Basis", "根拠"},
	"source_type":          {"Source type", "情報源の種類"},
	"source_list":          {"Source list", "情報源リスト"},
	"source_url":           {"Source URL", "情報源 URL"},
	"as_of":                {"As of", "時点"},
	"legal_effect":         {"Legal effect", "法的効果"},
	"suggested_mitigation": {"Suggested mitigation", "推奨される対策"},
	"tactic":               {"Tactic", "手口の分類"},
	"period":               {"Period", "期間"},
	"asset_type":           {"Asset at risk", "対象となる資産"},
	"narrative":            {"What happened", "経緯"},
	"observed_indicators":  {"Indicators observed", "関連する指標"},
	"orgs_involved":        {"Organisations involved", "関与した組織"},
	"role":                 {"Role", "役割"},
	"detection":            {"How it was detected", "発見の経緯"},
	"outcome":              {"Outcome", "対応結果"},
	"mitigations":          {"Mitigations", "対策"},
	"lessons":              {"Lessons", "教訓"},
	"ref":                  {"Record met", "遭遇した記録"},
	"when":                 {"When", "日付"},
	"note":                 {"Note", "メモ"},
	"metrics":              {"Metrics", "集計"},
	"dimension":            {"Dimension", "軸"},
	"count":                {"Count", "件数"},
	"suppression":          {"Suppression", "秘匿基準"},
	"target":               {"Target", "対象"},
	"reason":               {"Reason", "理由"},
	"superseded_by":        {"Superseded by", "後継の記録"},
	"record_kind":          {"Record kind", "記録の種別"},
	"category":             {"Category", "分類"},
	"link":                 {"Link", "リンク"},
	"kind":                 {"Kind", "種別"},
	"subject_kind":         {"Kind of subject", "対象の種類"},
	"subject_name":         {"Name of the subject", "対象の名称"},
	"subject_name_ja":      {"Name in Japanese (optional)", "日本語の名称（任意）"},
	"subject_ror":          {"ROR ID (organisations, optional)", "ROR ID（組織の場合・任意）"},
}

// valueLabels name the values of the controlled vocabularies.
var valueLabels = map[string][2]string{
	"low": {"low", "低"}, "medium": {"medium", "中"}, "high": {"high", "高"}, "critical": {"critical", "重大"},
	"declined": {"declined", "辞退・拒否"}, "accepted-with-mitigation": {"accepted with mitigation", "対策を講じて受入"},
	"accepted": {"accepted", "受入"}, "pending": {"pending", "検討中"},
	"organisation": {"organisation", "組織"}, "programme": {"programme", "プログラム"},
	"funding_source": {"funding source", "資金源"}, "venue": {"venue (journal, conference)", "発表の場（学術誌・会議）"},
	"role_pattern": {"role pattern", "役職のパターン"},
}

// tokenJA names in Japanese the common tokens the publish form suggests
// (indicator types, reason categories, tactics, technology areas, assets,
// sources) and the name types. They are open vocabularies, so a record
// page shows the Japanese with the token beside it: the token is what
// `ursic similar --category` and the 相場感 page take. Without these a
// Japanese page showed talent_recruitment and photonics as they are stored.
var tokenJA = map[string]string{
	"procurement_front": "調達のフロント企業", "front_company": "フロント企業", "talent_programme": "人材招へいプログラム",
	"hijacked_venue": "乗っ取られた学術誌・会議", "predatory_venue": "ハゲタカ学術誌・会議", "shell_company": "ペーパーカンパニー",
	"undisclosed_funding": "開示されていない資金提供",
	"export_control":      "輸出管理", "research_integrity": "研究公正", "undisclosed_obligation": "開示されていない義務",
	"foreign_interference": "外国からの不当な影響", "sanctions": "制裁", "procurement_diversion": "調達品の転用",
	"talent_recruitment": "人材招へい", "intermediary_funding": "仲介者経由の資金提供", "procurement": "調達",
	"undisclosed_affiliation": "開示されていない兼業・所属", "visiting_researcher": "客員研究者の受入れ", "data_exfiltration": "データの持ち出し",
	"photonics": "光学・フォトニクス", "quantum": "量子", "semiconductors": "半導体", "materials": "材料", "ai": "AI",
	"biotech": "バイオテクノロジー", "aerospace": "航空宇宙",
	"know_how": "ノウハウ", "data": "データ", "samples": "試料", "equipment": "装置", "software": "ソフトウェア",
	"government_list": "政府のリスト", "member_observation": "会員による確認", "own_observation": "自機関による確認",
	"open_source": "公開情報", "partner_report": "連携先からの報告",
	"legal": "正式名称", "common": "通称", "former": "旧称", "transliteration": "翻字",
}

// handlingJA is the Japanese of the TLP handling sentence, by level; the
// English comes from the node.
var handlingJA = map[string]string{
	"clear":        "受信者は制限なく共有できます（公開を含む）。",
	"green":        "受信者はコミュニティ内（コンソーシアム会員と承認された連携先）で共有できますが、公開はできません。",
	"amber":        "受信者は自機関とその関係先（附属病院、インキュベーター等）の中で、知る必要のある人にのみ共有できます。",
	"amber+strict": "受信者は自機関の中で、知る必要のある人にのみ共有できます。関係先とは共有できません。",
	"red":          "受信者は共有できません。指定されたノードのみが対象です。",
}

// ruleJA names guardrail rules in Japanese, for a node whose messages are
// English only.
var ruleJA = map[string]string{
	"nationality":         "国籍・出身国に関する記述",
	"ethnicity":           "民族に関する記述",
	"race":                "人種に関する記述",
	"religion":            "宗教に関する記述",
	"birthplace":          "出生地に関する記述",
	"immigration-status":  "在留資格・ビザに関する記述",
	"identity-document":   "旅券・身分証明書の番号",
	"person-risk-score":   "個人単位のリスクスコア",
	"subject-is-person":   "個人を対象とした記録",
	"too-deep":            "入れ子が深すぎる記録",
	"email":               "メールアドレス",
	"orcid":               "ORCID iD",
	"phone":               "電話番号",
	"personal-name":       "個人名",
	"email-field":         "メールアドレスの項目",
	"orcid-field":         "ORCID iD の項目",
	"phone-field":         "電話番号の項目",
	"personal-name-field": "個人名の項目",
	"date-of-birth":       "生年月日",
	"home-address":        "自宅住所",
}

func msg(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		if f, ok := fieldLabels[key]; ok {
			m = f
		} else {
			return key
		}
	}
	if lang == "ja" {
		return m[1]
	}
	return m[0]
}

func fieldLabel(lang, name string) string {
	if f, ok := fieldLabels[name]; ok {
		if lang == "ja" {
			return f[1]
		}
		return f[0]
	}
	return strings.ReplaceAll(name, "_", " ")
}

// audienceJA names the built-in audiences in Japanese; a roster's own
// groups are shown by the name the roster gives them.
var audienceJA = map[string]string{"members": "会員全体", "secretariat": "事務局", "executive": "執行役"}

// audienceLabel is the label of an audience: a built-in group in the
// page's language (with its name, which `ursic publish --audience` takes),
// anything else as it is.
func audienceLabel(lang, a string) string {
	if ja, ok := audienceJA[a]; ok && lang == "ja" {
		return ja + "（" + a + "）"
	}
	return a
}

func valueLabel(lang, v string) string {
	if ja, ok := tokenJA[v]; ok {
		if lang == "ja" {
			return ja + "（" + v + "）"
		}
		return v
	}
	if f, ok := valueLabels[v]; ok {
		if lang == "ja" {
			return f[1]
		}
		return f[0]
	}
	return v
}

func kindLabel(lang, kind string) string {
	if _, ok := messages["kind."+kind]; ok {
		return msg(lang, "kind."+kind)
	}
	return kind
}

// hasJapanese reports whether s contains kana or kanji.
func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}
