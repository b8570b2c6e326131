package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ursic/ursic/node"
	"github.com/ursic/ursic/node/apiclient"
	"github.com/ursic/ursic/node/config"
)

// messages holds what the CLI says to a person, in English and Japanese
// side by side: table headers, notes, summaries, confirmations and the
// hints of the common errors. The English is the CLI's text as scripts
// and tests have always matched it, byte for byte; the Japanese follows
// the console's wording (node/console/i18n.go) where the two say the
// same thing. Identifiers, CIDs, TLP labels, field and command names stay
// as they are in both. --json and --csv output never comes from here:
// it is for machines and Excel.
//
// A key missing here shows as the key itself; TestMessages catches both
// a missing key and a missing language.
var messages = map[string][2]string{
	// Errors and hints any command may print.
	"err.usage":        {"usage: ursic %s %s", "使い方: ursic %s %s"},
	"err.unknown":      {"unknown command %q", "%q というコマンドはありません"},
	"err.unknownhint":  {"run `ursic help` for the list of commands", "コマンドの一覧は `ursic help` で確認できます"},
	"err.unexpected":   {"unexpected argument %q", "不要な引数 %q があります"},
	"err.csvjson":      {"--csv and --json cannot be used together", "--csv と --json は同時に指定できません"},
	"hint.start":       {"start it with `ursic run --home %s`", "`ursic run --home %s` でノードを起動してください"},
	"hint.home":        {"pass --home DIR or set URSIC_HOME to the node's home", "--home DIR を指定するか、URSIC_HOME にノードのホームを設定してください"},
	"hint.loopback":    {"keep \"api\" on 127.0.0.1, or serve it over HTTPS: set \"api_tls_cert\" and \"api_tls_key\" in config.json (PEM files; paths relative to the home)", "\"api\" は 127.0.0.1 のままにするか、HTTPS で提供してください。config.json に \"api_tls_cert\" と \"api_tls_key\" を設定します（PEM ファイル、パスはホームからの相対パス）"},
	"hint.apihosts":    {"names other than loopback that clients use for the API go in \"api_hosts\"", "クライアントが API に使うループバック以外の名前は \"api_hosts\" に記載してください"},
	"note.indexing":    {"the node is still opening its stored records (%d so far); waiting (--partial lists them now)", "ノード起動直後のため、保存済みの記録を読み込み中です（現在 %d 件）。完了まで待ちます（--partial を付けると今すぐ一覧を表示します）"},
	"err.indexwait":    {"the node has not finished opening its records after %s", "%s 待っても、ノードが記録の読み込みを終えていません"},
	"err.readrecord":   {"cannot read the record file: %w", "記録ファイルを読み込めません: %w"},
	"err.onefile":      {"%s takes one FILE (or - for standard input)", "%s にはファイルを 1 つ指定してください（標準入力は -）"},
	"err.onecid":       {"%s takes one CID", "%s には CID を 1 つ指定してください"},
	"list.partial":     {"the node is still opening its stored records; this list is partial", "ノード起動直後のため、保存済みの記録を読み込み中です。一覧はまだ完全ではありません"},
	"list.head":        {"CID\tKIND\tTLP\tAUTHOR\tCREATED\tTITLE\tNOTES", "CID\t種別\tTLP\t作成機関\t作成日時\tタイトル\t備考"},
	"list.showing":     {"showing %d of %d records (use --limit and --offset)", "全 %[2]d 件中 %[1]d 件を表示しています（続きは --limit と --offset で表示できます）"},
	"note.retracted":   {"retracted", "撤回済み"},
	"note.retractedby": {"retracted: %s", "撤回済み（理由：%s）"},
	"note.expired":     {"expired", "期限切れ"},
	"note.overdue":     {"review overdue since %s", "見直し期日（%s）を過ぎています"},
	"note.reviewdue":   {"review due %s", "見直し期日 %s"},
	"note.sep":         {", ", "、"},
	// show
	"show.title":      {"title", "タイトル"},
	"show.author":     {"author", "作成機関"},
	"show.created":    {"created", "作成日時"},
	"show.audience":   {"audience", "共有範囲"},
	"show.caveats":    {"caveats", "注意事項"},
	"show.handling":   {"handling", "取り扱い"},
	"show.notes":      {"notes", "備考"},
	"show.handleline": {"%s; exportable to partners: %v; secretariat facet: %v", "%s 連携先への提供: %s。事務局向けファセット: %s"},
	"show.retracted":  {"\nRETRACTED by its author (%s): %s\n", "\nこの記録は作成機関（%s）により撤回されました。理由：%s\n"},
	"show.deleted":    {"The body has been deleted from this node. Plaintext already read elsewhere cannot be recalled.", "本文はこのノードから削除されました。すでに他で読まれた内容を取り消すことはできません。"},
	"yes":             {"true", "はい"},
	"no":              {"false", "いいえ"},
	// inbox and import
	"inbox.needs":        {"inbox needs list, show, accept or reject", "inbox には list、show、accept、reject のいずれかを指定してください"},
	"inbox.unknown":      {"unknown inbox subcommand %q", "inbox に %q というサブコマンドはありません"},
	"inbox.oneid":        {"%s needs one ID", "%s には ID を 1 つ指定してください"},
	"inbox.head":         {"ID\tPARTNER\tRECEIVED\tOBJECTS\tSTATE", "ID\t提携先\t受信日時\tオブジェクト数\t状態"},
	"inbox.item":         {"item %s from %s, received %s, %s\n", "項目 %s（提携先 %s、受信 %s、%s）\n"},
	"inbox.rejected":     {"rejected %s\n", "%s を却下しました\n"},
	"import.published":   {"published %s %s (TLP:%s)\n", "共有しました %s %s（TLP:%s）\n"},
	"import.would":       {"would publish %s (TLP:%s)\n", "共有できます %s（TLP:%s）\n"},
	"import.refused":     {"refused %s: %s\n", "拒否しました %s: %s\n"},
	"import.skipped":     {"skipped %s: %s\n", "スキップしました %s: %s\n"},
	"import.refusednote": {"%d of %d objects refused; nothing refused was stored", "%[2]d 件中 %[1]d 件のオブジェクトを拒否しました。拒否したものは保存していません"},
	// publish, retract, check
	"publish.progress": {"published %d of about %d records", "約 %[2]d 件中 %[1]d 件を共有しました"},
	"publish.durable":  {"the %d CIDs printed are durable; publish the rest again", "表示された %d 件の CID は保存済みです。残りをもう一度共有してください"},
	"publish.existing": {"%d of %d records were already published by this node (their CIDs are printed; nothing new was written); --again publishes them anew", "%[2]d 件中 %[1]d 件はこのノードが共有済みでした（CID を表示しました。新たな書き込みはありません）。--again を付けると改めて共有します"},
	"publish.done":     {"published %d records", "%d 件を共有しました"},
	"retract.reason":   {"--reason is required: readers see why the record was withdrawn", "--reason は必須です。受信者には撤回の理由が伝えられます"},
	"retract.done":     {"retracted %s; plaintext already read cannot be recalled", "%s を撤回しました。すでに読まれた内容を取り消すことはできません"},
	"check.confirmed":  {"confirmed: %s\n", "確認済み: %s\n"},
	"check.ok":         {"ok: TLP:%s to %v, %d recipients\n", "共有できます: TLP:%s、共有範囲 %v、受信者 %d 件\n"},
	"check.refused":    {"rewrite the phrases named above; a refusal cannot be confirmed away", "指摘された語句を書き換えてください。拒否された記述は確認によって共有することはできません"},
	"check.personal":   {"if the personal data is necessary, repeat with --confirm-personal-data", "個人情報が必要な場合は --confirm-personal-data を付けて再実行してください"},
	// screen
	"screen.onefile":     {"screen takes one list file (or - for standard input)", "screen にはリストファイルを 1 つ指定してください（標準入力は -）"},
	"screen.read":        {"failed to read the list: %w", "リストを読み込めません: %w"},
	"screen.incomplete":  {"the node is still opening its stored records; indicators not yet opened were not matched", "ノード起動直後のため、保存済みの記録を読み込み中です。未読み込みの指標は照合されていません"},
	"screen.summary":     {"screened %d of %d rows: %d with matches, %d matches in all", "%[2]d 行中 %[1]d 行を照合しました。該当のある行は %[3]d 行、該当は合計 %[4]d 件です"},
	"screen.nothing":     {"nothing could be screened: no row has a name or a valid ROR id", "照合できる行がありません。名称または有効な ROR ID のある行がありません"},
	"screen.nothinghint": {"check the notes above; a list needs a name column (or one name a line)", "上の注記を確認してください。リストには名称の列（または 1 行に 1 名称）が必要です"},
	"screen.head":        {"ROW\tHOW\tSCORE\tTLP\tSEVERITY\tCID\tNAME → MATCHED", "行\t一致の種類\tスコア\tTLP\t深刻度\tCID\tリスト上の名称 → 一致した名称"},
	"screen.expired":     {" (expired)", "（期限切れ）"},
	"screen.rownote":     {"row %d: %s", "%d 行目: %s"},
	"screen.mitigation":  {"\n%s (%s, %s)\n  %s\n  suggested mitigation: %s\n", "\n%s（%s、%s）\n  %s\n  推奨される対策: %s\n"},
	// similar (相場感)
	"similar.needs":      {"similar needs --category: an indicator's reason_category or a method's tactic", "similar には --category（指標の reason_category または手口の tactic）を指定してください"},
	"similar.in":         {"%s in %s", "%s（技術分野 %s）"},
	"similar.head":       {"相場感 (similar cases): %s\n\n", "相場感（類似事例）: %s\n\n"},
	"similar.readable":   {"Records this node can read (閲覧可能な記録): %d\n", "このノードで読める記録: %d 件\n"},
	"similar.outcomes":   {"  outcomes (結果):      %s\n", "  対応結果:        %s\n"},
	"similar.mitig":      {"  mitigations (対策):   %s\n", "  講じられた対策:  %s\n"},
	"similar.none":       {"none", "なし"},
	"similar.noreport":   {"Consortium (コンソーシアム全体): %s\n", "コンソーシアム全体: %s\n"},
	"similar.report":     {"Consortium (コンソーシアム全体), trend report %s (%s):\n", "コンソーシアム全体（傾向レポート %s、期間 %s）:\n"},
	"similar.records":    {"  records: %d\n", "  記録数: %d\n"},
	"similar.suppressed": {"  %-26s suppressed or none (非公表)\n", "  %-26s 秘匿または該当なし\n"},
	// trends
	"trends.notsec":      {"this node is not the secretariat: it lists the trend reports it received, and --from, --to, --by, --k, --m and --p do not apply", "このノードは事務局ではないため、受信した傾向レポートを一覧表示します。--from、--to、--by、--k、--m、--p は使われません"},
	"trends.needperiod":  {"trends publish needs --period: a whole month (2026-11) or quarter (2026-Q4)", "trends publish には --period（月 2026-11 または四半期 2026-Q4）を指定してください"},
	"trends.nofacets":    {"no facets held", "ファセットはまだありません"},
	"trends.span":        {"%s to %s", "%s〜%s"},
	"trends.title":       {"Trends (傾向), %s, by %s; published only with ≥ %d records from ≥ %d members, no member over %d%%\n\n", "傾向（%s、軸: %s）。公開の条件: 記録 %d 件以上、会員 %d 機関以上、一機関の割合 %d%% 以下\n\n"},
	"trends.counts":      {"RECORDS\tMEMBERS", "記録数\t会員数"},
	"trends.total":       {"(total)", "（小計）"},
	"trends.suppressed":  {"suppressed: %s", "秘匿: %s"},
	"trends.noreports":   {"No trend reports received yet (傾向レポートはまだありません).", "傾向レポートはまだ届いていません。"},
	"trends.reportshead": {"CID\tPERIOD\tTLP\tBY\tCELLS\tCREATED", "CID\t期間\tTLP\t軸\tセル数\t作成日時"},
	"reason.k":           {"k", "記録数が k 未満"},
	"reason.m":           {"m", "会員数が m 未満"},
	"reason.dominance":   {"dominance", "一機関が大半を占める"},
	"reason.secondary":   {"secondary", "秘匿セルが推測できるため"},
	"reason.difference":  {"difference", "差分から秘匿セルが推測できるため"},
	// digest
	"digest.mailed": {"digest mailed", "ダイジェストをメールで送信しました"},
	// status
	"status.peerid":      {"peer ID", "ピア ID"},
	"status.records":     {"records", "記録"},
	"status.logs":        {"logs", "ログ"},
	"status.roster":      {"roster version", "名簿の版"},
	"status.peers":       {"peers connected", "接続中のピア"},
	"status.equiv":       {"equivocations", "二重署名"},
	"status.since":       {"up since", "起動日時"},
	"status.api":         {"local API", "ローカル API"},
	"status.fork":        {"ROSTER FORK", "名簿の分岐"},
	"status.restoring":   {"restoring", "復元中"},
	"status.audit":       {"audit log", "監査ログ"},
	"status.count":       {"%d (%d retracted)", "%d 件（うち撤回 %d 件）"},
	"status.indexing":    {"index being built: %d of %d stored envelopes opened so far", "索引を作成中です（保存済みの %[2]d 件中 %[1]d 件を読み込み済み）"},
	"status.forkline":    {"%s (%s) holds roster version %d with hash %s; this node's is %s. Not syncing with it since %s; see docs/ROSTER-FORKS.md", "%s（%s）は名簿の第 %d 版をハッシュ %s で保持しています（このノードは %s）。%s から同期を停止しています。docs/ROSTER-FORKS.md を参照してください"},
	"status.restoreline": {"fetching this node's own records back from its peers after a restore; publishing waits", "復元後のため、このノード自身の記録をピアから取り戻しています。共有は完了まで待機します"},
	"status.tampered":    {"TAMPERED (see `ursic audit verify`)", "改ざんされています（`ursic audit verify` を参照してください）"},
	// peers
	"peers.none": {"no peers connected", "接続中のピアはありません"},
	"peers.head": {"NAME\tROLE\tPEER ID\tSINCE\tADDRS", "名称\t役割\tピア ID\t接続開始\tアドレス"},
	// The operator's commands.
	"init.created":   {"created node home %s", "ノードのホーム %s を作成しました"},
	"init.exists":    {"use another --home, or remove that directory if you mean to start over (its keys will be lost)", "別の --home を指定するか、最初からやり直す場合はそのディレクトリを削除してください（中の鍵は失われます）"},
	"backup.done":    {"wrote a backup of %d store bytes with the audit log and the roster chain to %s; the home's keys are not in it: keep them apart", "ストア %d バイトと監査ログ・名簿の連鎖のバックアップを %s に書き出しました。ホームの鍵は含まれていません。鍵は別に保管してください"},
	"restore.done":   {"restored %d store bytes, %d roster versions and the audit log of %s (backup of %s)", "ストア %d バイト、名簿 %d 版と %s の監査ログを復元しました（%s のバックアップ）"},
	"restore.hint":   {"at the next `ursic run` the node first fetches its own records back from its peers and publishes nothing until it has (`ursic status` says restoring)", "次の `ursic run` では、ノードはまず自身の記録をピアから取り戻し、それが終わるまで何も共有しません（`ursic status` に「復元中」と表示されます）"},
	"export.done":    {"wrote %s (%d bytes)", "%s を書き出しました（%d バイト）"},
	"audit.noanchor": {"no anchor in the store yet", "ストアにはまだアンカーがありません"},
	"audit.anchor":   {"line %d anchored in the store", "%d 行目がストアにアンカーされています"},
	"audit.intact":   {"audit log intact: %d lines, each signed by %s and chained to the one before; %s", "監査ログは改ざんされていません: %d 行、すべて %s が署名し前の行につながっています。%s"},
	// taxii (the operator's)
	"taxii.head":    {"NAME\tINBOX\tADDED", "名称\t受信箱\t追加日"},
	"taxii.revoked": {"revoked %s\n", "%s の認証情報を失効させました\n"},
}

// handlingJA is the Japanese of the TLP handling sentence, by level, as
// the console words it; the English comes from the node.
var handlingJA = map[string]string{
	"clear":        "受信者は制限なく共有できます（公開を含む）。",
	"green":        "受信者はコミュニティ内（コンソーシアム会員と承認された連携先）で共有できますが、公開はできません。",
	"amber":        "受信者は自機関とその関係先（附属病院、インキュベーター等）の中で、知る必要のある人にのみ共有できます。",
	"amber+strict": "受信者は自機関の中で、知る必要のある人にのみ共有できます。関係先とは共有できません。",
	"red":          "受信者は共有できません。指定されたノードのみが対象です。",
}

// errorJA says in Japanese what the node's common errors mean. The error
// line under --lang ja gives this sentence first, then the error as the
// node wrote it, whose details (an address, a path) an operator may need.
var errorJA = []struct {
	err error
	ja  string
}{
	{apiclient.ErrNodeNotRunning, "ノードが起動していません。"},
	{config.ErrNoHome, "ノードのホームがありません。"},
	{config.ErrAPIOffLoopback, "ローカル API が TLS なしでループバック以外に公開されています。"},
	{node.ErrHomeExists, "ノードのホームはすでにあります。"},
	{context.DeadlineExceeded, "時間内に完了しませんでした。"},
}

// errorLine is the text of an error line in lang.
func errorLine(lang string, err error) string {
	msg := oneLine(err.Error())
	if lang != "ja" {
		return msg
	}
	for _, t := range errorJA {
		if errors.Is(err, t.err) {
			return t.ja + msg
		}
	}
	return msg
}

// tr is the text of key in lang ("ja" or "en").
func tr(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == "ja" {
		return m[1]
	}
	return m[0]
}

// trf formats the text of key in lang with a.
func trf(lang, key string, a ...any) string { return fmt.Sprintf(tr(lang, key), a...) }

func (e *env) tr(key string) string            { return tr(e.lang, key) }
func (e *env) trf(key string, a ...any) string { return trf(e.lang, key, a...) }

// label is the name of a field on a line of its own ("title:", "peer ID:")
// followed by spaces up to column width, measured as the terminal draws
// it, so that the values line up in both languages.
func (e *env) label(key string, width int) string {
	s := e.tr(key) + ":"
	return s + strings.Repeat(" ", max(1, width-displayWidth(s)))
}
