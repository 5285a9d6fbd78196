/**
 * The HTTP API's route table: the one list of routes. The CDK app builds one function and one API Gateway
 * route per entry from it (infra/constructs/http-api.ts), the local twin's gateway serves the routes it
 * finds in the synthesized template (so it follows this list without importing it), and the OpenAPI
 * document is generated from it and each route's zod schemas (functions/openapi.ts).
 *
 * Access:
 * - `public`: no token (health check, the OpenAPI document);
 * - `signed-in`: any valid token of the user pool;
 * - `county`: a county user, on its own unit only (the path's `{unitId}`);
 * - `unit`: a county user on its own unit, or the city office on any unit;
 * - `city`: the city office only;
 * - `inspection`: the city office, or an inspector (检查组成员, Cognito group `inspector-<groupId>`) where its
 *   group inspects in the cycle's plan: the path's unit, in the path's window (no unit: the cycle's plan has
 *   the group);
 * - `unit-inspection`: as `unit`, and the inspector of the path's unit as in `inspection`.
 * For the last two the route's rule lets an inspector through to the plan's check
 * (core/use-cases/inspection-access.ts), which the chain runs before anything else of the request.
 * Every route but `public` sits behind the JWT authorizer on AWS and the local gateway's equivalent.
 */
export type Access = 'public' | 'signed-in' | 'county' | 'unit' | 'city' | 'inspection' | 'unit-inspection';
export type HttpMethod = 'GET' | 'POST' | 'PUT';

export interface RouteEntry {
  method: HttpMethod;
  /** API Gateway path with `{param}` placeholders. */
  path: string;
  /** The function folder under functions/ that serves it. */
  function: string;
  access: Access;
  summary: { zh: string; en: string };
}

const UNIT = '/cycles/{cycleId}/units/{unitId}';
const DELIVERABLE = `${UNIT}/deliverables/{deliverableId}`;

export const ROUTES = [
  { method: 'GET', path: '/health', function: 'get-health', access: 'public', summary: { zh: '健康检查', en: 'Health check' } },
  { method: 'GET', path: '/openapi.json', function: 'get-openapi', access: 'public', summary: { zh: '接口说明（OpenAPI）', en: 'This API as an OpenAPI document' } },
  { method: 'GET', path: '/me', function: 'get-me', access: 'signed-in', summary: { zh: '当前用户与所属单位', en: 'Who am I: role and unit' } },
  { method: 'GET', path: '/cycles', function: 'list-cycles', access: 'signed-in', summary: { zh: '当前用户参与的工作周期', en: 'The cycles the signed-in user works in' } },
  { method: 'GET', path: UNIT, function: 'get-unit-overview', access: 'unit', summary: { zh: '本单位各阶段应报材料、截止时间与状态', en: "What is due for the unit, when, and each phase's status" } },
  { method: 'POST', path: `${UNIT}/uploads`, function: 'create-upload', access: 'unit-inspection', summary: { zh: '申请上传表单（预签名 POST；检查组或市打传办上传检查佐证材料）', en: "Get an upload form (presigned POST; the inspection group or the city office uploads the inspection's evidence)" } },
  { method: 'POST', path: `${UNIT}/uploads/{uploadId}/check`, function: 'check-upload', access: 'unit-inspection', summary: { zh: '核验已上传的文件（大小、类型、SHA-256）', en: 'Check an uploaded file where it landed (size, type, SHA-256)' } },
  { method: 'POST', path: `${DELIVERABLE}/self-assessment/preview`, function: 'preview-self-assessment', access: 'unit', summary: { zh: '预览自评：覆盖率、合格率与不足之处（不保存）', en: 'Preview a self-assessment: coverage, pass rate and shortfalls (stores nothing)' } },
  { method: 'POST', path: `${DELIVERABLE}/versions`, function: 'submit-deliverable', access: 'county', summary: { zh: '报送材料（每次报送生成新版本）', en: 'Submit a deliverable (each submission is a new version)' } },
  { method: 'GET', path: `${UNIT}/submissions`, function: 'list-submissions', access: 'unit', summary: { zh: '本单位全部报送及其各版本', en: "The unit's submissions and every version of each" } },
  { method: 'GET', path: `${DELIVERABLE}/versions/{version}`, function: 'get-submission-version', access: 'unit', summary: { zh: '查看某一版本（含短时下载链接）', en: 'One version, with short-lived download links' } },
  { method: 'GET', path: `${DELIVERABLE}/versions/{version}/receipt`, function: 'get-receipt', access: 'unit', summary: { zh: '回执', en: 'The receipt (回执) of a version' } },
  { method: 'GET', path: `${UNIT}/messages`, function: 'list-unit-messages', access: 'unit', summary: { zh: '系统发给本单位的全部消息及签收情况', en: 'Every message sent about the unit, and which notices it signed for' } },
  { method: 'POST', path: `${UNIT}/messages/{messageId}/sign`, function: 'sign-notice', access: 'county', summary: { zh: '签收通知（只记录一次：签收人与时间）', en: 'Sign for (签收) a notice: recorded once, with who and when' } },
  { method: 'GET', path: `${UNIT}/audit`, function: 'list-unit-audit', access: 'city', summary: { zh: '单位操作日志', en: "The unit's audit log" } },
  { method: 'GET', path: '/cycles/{cycleId}/dashboard', function: 'get-dashboard', access: 'city', summary: { zh: '所辖各单位进度总览', en: 'Every unit by phase, at a glance' } },
  { method: 'PUT', path: `${UNIT}/reviews/{round}/decision`, function: 'decide-review', access: 'city', summary: { zh: '初评决定：通过，或退回限期整改', en: 'Decide the preliminary review: approve, or return for rectification' } },
  { method: 'POST', path: `${DELIVERABLE}/extensions`, function: 'grant-extension', access: 'city', summary: { zh: '批准延期', en: 'Grant an extension' } },
  { method: 'GET', path: '/cycles/{cycleId}/proposals', function: 'list-proposals', access: 'city', summary: { zh: '通报批评与挂牌督办提议', en: 'Proposed notices of criticism and supervision listings' } },
  { method: 'PUT', path: `${UNIT}/proposals/{proposalId}/decision`, function: 'decide-proposal', access: 'city', summary: { zh: '确认或撤销督办提议（只决定一次）', en: 'Confirm or withdraw a proposal, once' } },
  { method: 'POST', path: '/contacts/fix', function: 'fix-contact', access: 'city', summary: { zh: '标记通讯录邮箱已修正', en: 'Mark a directory address as fixed' } },
  { method: 'POST', path: '/plans/validate', function: 'validate-plan', access: 'city', summary: { zh: '校验年度工作计划：问题、警告与日程（不保存）', en: "Check a plan: its problems, warnings and its year's timeline (stores nothing)" } },
  { method: 'POST', path: '/cycles', function: 'start-cycle', access: 'city', summary: { zh: '按年度工作计划启动工作周期', en: 'Start the cycle of a plan' } },
  { method: 'GET', path: '/cycles/{cycleId}/directory', function: 'list-directory', access: 'city', summary: { zh: '通讯录：各联系人及邮件投递状态', en: 'The directory: every contact and its delivery state' } },
  { method: 'GET', path: '/cycles/{cycleId}/documents', function: 'list-cycle-documents', access: 'city', summary: { zh: '年度上报文件（汇总表、报告、通报批评稿）及短时下载链接', en: "The year's documents (workbook, report, criticism drafts), with short-lived download links" } },
  { method: 'PUT', path: `${UNIT}/contacts`, function: 'edit-unit-contacts', access: 'city', summary: { zh: '修改单位通讯录（各版本均保留）', en: "Edit a unit's contacts (every version kept)" } },
  // Registered rosters and cross-inspection samples (issue 10).
  { method: 'GET', path: `${UNIT}/roster`, function: 'get-unit-roster', access: 'unit', summary: { zh: '本单位登记的社区/村名单及其版本', en: "The unit's registered roster of communities, and its versions" } },
  { method: 'PUT', path: `${UNIT}/roster`, function: 'put-unit-roster', access: 'county', summary: { zh: '登记社区/村名单（每次生成新版本）', en: "Register the unit's communities and villages (each change is a new version)" } },
  { method: 'GET', path: `${UNIT}/roster/versions/{version}`, function: 'get-roster-version', access: 'unit', summary: { zh: '社区/村名单的某一版本', en: 'One version of the roster, with its rows' } },
  { method: 'GET', path: `${UNIT}/sample`, function: 'get-unit-sample', access: 'unit-inspection', summary: { zh: '交叉检查抽样结果及其公开数据（可复核）', en: 'The cross-inspection sample and the published inputs to verify it' } },
  // 上报确认 and 通报表扬 (core/use-cases/forwarding.ts).
  { method: 'GET', path: '/cycles/{cycleId}/forwarding', function: 'get-forwarding', access: 'city', summary: { zh: '上报确认：拟上报名单、状态与确认人', en: 'The list awaiting sign-off, its state, and who confirmed it when' } },
  { method: 'PUT', path: '/cycles/{cycleId}/forwarding/confirmation', function: 'confirm-forwarding', access: 'city', summary: { zh: '确认上报名单（只确认一次）', en: 'Confirm the list that goes up, once' } },
  { method: 'POST', path: '/cycles/{cycleId}/commendations', function: 'issue-commendation', access: 'city', summary: { zh: '通报表扬初评合格单位', en: 'Commend qualified units (通报表扬)' } },
  // Cross-inspection results and the score sheet (issue 10 item 4): the group's inspectors record, or the city office on the group's behalf.
  { method: 'GET', path: '/cycles/{cycleId}/inspections', function: 'list-inspections', access: 'inspection', summary: { zh: '交叉检查：各检查组所查单位、抽样与记录进度（检查组只见本组）', en: 'Cross-inspection: the units each group inspects, the draw and what is recorded (an inspector sees its own group)' } },
  { method: 'GET', path: `${UNIT}/inspection/{windowId}/results`, function: 'get-inspection-results', access: 'unit-inspection', summary: { zh: '交叉检查抽查社区的检查结果', en: 'The inspection results of the sampled communities' } },
  { method: 'PUT', path: `${UNIT}/inspection/{windowId}/results`, function: 'put-inspection-result', access: 'inspection', summary: { zh: '记录一个抽查社区的检查结果（合格/不合格、说明、佐证材料）', en: 'Record one sampled community\'s result (pass or fail, notes, evidence)' } },
  { method: 'GET', path: `${UNIT}/inspection/{windowId}/score`, function: 'get-inspection-score', access: 'unit-inspection', summary: { zh: '交叉检查考核评分表、得分与排名', en: "The inspection's score sheet, the score and the rank" } },
  { method: 'PUT', path: `${UNIT}/inspection/{windowId}/score`, function: 'put-inspection-score', access: 'inspection', summary: { zh: '记录考核评分表（扣分及理由、一票否决项），得分由系统计算', en: 'Record the score sheet (deductions with reasons, veto items); the server computes the score' } },
] as const satisfies readonly RouteEntry[];

export type RouteFunction = (typeof ROUTES)[number]['function'];

/**
 * The routes that change something (their functions may write the table): each takes an `Idempotency-Key`
 * header. The preview and the plan check are POSTs that store nothing.
 */
export const WRITE_ROUTES: ReadonlySet<RouteFunction> = new Set<RouteFunction>([
  'create-upload', 'check-upload', 'submit-deliverable', 'decide-review', 'grant-extension', 'fix-contact', 'sign-notice', 'decide-proposal',
  'start-cycle', 'edit-unit-contacts', 'put-unit-roster', 'put-inspection-result', 'put-inspection-score',
  'confirm-forwarding', 'issue-commendation',
]);
