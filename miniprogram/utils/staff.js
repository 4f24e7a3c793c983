// What grid workers, organisation staff and merchants see of reports, scans and Youth Lounge
// sign-ups: Chinese labels, which queue and which report steps a person gets, and scan outcomes.

const api = require('./api');
const format = require('./format');
const reports = require('./reports');

// The report queues, in the order their tabs appear; each is for the role that may read it.
const QUEUES = [
  { key: 'grid', label: '我的网格', path: '/admin/reports/grid-queue', role: 'grid_worker' },
  { key: 'org', label: '我的单位', path: '/admin/reports/org-queue', role: 'org_staff' },
  { key: 'all', label: '全社区', path: '/admin/reports', role: 'admin' },
];

// Staff words for a report's status: what is asked of them, not of the resident.
const REPORT_STATUS_LABELS = {
  submitted: '待受理',
  accepted: '已受理',
  in_progress: '处理中',
  reopened: '重新处理',
  resolved: '已办结',
  closed: '已完结',
  rejected: '已驳回',
  cancelled: '已撤销',
};
const OPEN_STATUSES = ['submitted', 'accepted', 'in_progress', 'reopened'];
const STATUS_FILTERS = [
  { value: 'open', label: '未办结（全部）' },
  { value: 'submitted', label: '待受理' },
  { value: 'accepted', label: '已受理' },
  { value: 'in_progress', label: '处理中' },
  { value: 'reopened', label: '重新处理' },
  { value: 'resolved', label: '已办结' },
  { value: 'rejected', label: '已驳回' },
  { value: 'closed', label: '已完结' },
];

// The steps staff take, in the order their buttons appear. `target` is the status a step leads
// to: the reply templates are filed under it. `needsNote`: the backend refuses a blank note.
const REPORT_ACTIONS = {
  accept: { label: '受理', done: '已受理', target: 'accepted', needsNote: false },
  start: { label: '开始处理', done: '已开始处理', target: 'in_progress', needsNote: false },
  resolve: { label: '办结', done: '已办结', target: 'resolved', needsNote: true },
  reject: { label: '驳回', done: '已驳回', target: 'rejected', needsNote: true, danger: true },
  close: { label: '确认完结', done: '已完结', target: 'closed', needsNote: false },
  assign: { label: '转派', done: '已转派', target: 'submitted', needsNote: false },
};
const ACTION_ORDER = ['accept', 'start', 'resolve', 'reject', 'close', 'assign'];
const NOTE_HINTS = {
  resolve: '请写明处理结果（必填），住户会收到',
  reject: '请写明驳回理由（必填），住户会收到',
};
// Listing organisations to reassign to is open to admins and grid workers only.
const REASSIGN_ROLES = ['admin', 'grid_worker'];
// Who scans check-in codes at any activity (the backend: admins, and grid workers as helpers on
// site). Organisation staff scan only at activities they organise.
const SCAN_ANYWHERE_ROLES = ['admin', 'grid_worker'];

const SCAN_MODES = [
  { value: 'checkin', label: '签到' },
  { value: 'checkout', label: '签退' },
];
// What a refused scan means for the person holding the phone.
const SCAN_HINTS = {
  checkin_code_invalid: '请确认扫的是本活动的签到码',
  checkin_code_expired: '请居民刷新报名页面的签到码后再扫',
  checkin_not_open: '活动开始前 1 小时至结束后 2 小时内可以签到',
  signup_not_confirmed: '该报名尚未确认，请先处理报名',
  not_checked_in: '请先为该居民签到',
  not_activity_organiser: '请联系活动组织者扫码',
  activity_cancelled: '已取消的活动不能签到签退，请换一个活动',
  activity_not_found: '请返回重新选择活动',
};

const SIGNUP_STATUS_LABELS = {
  pending: '待审核',
  confirmed: '已报名',
  waitlisted: '候补中',
  offered: '候补待确认',
  cancelled: '已取消',
  rejected: '未通过',
  expired: '候补已过期',
};
const ACTIVE_SIGNUPS = ['pending', 'confirmed', 'waitlisted', 'offered'];

function hasRole(roles, role) {
  return (roles || []).indexOf(role) >= 0;
}

/** The report queues this person may read, as tabs. */
function queuesFor(roles) {
  return QUEUES.filter((queue) => hasRole(roles, queue.role));
}

/** Whether this person has a report queue to work through (报事处理). */
function handlesReports(roles) {
  return queuesFor(roles).length > 0;
}

/** Whether this person may scan check-in codes at any activity, organiser or not. */
function scansAnywhere(roles) {
  return SCAN_ANYWHERE_ROLES.some((role) => hasRole(roles, role));
}

function canReassign(roles) {
  return REASSIGN_ROLES.some((role) => hasRole(roles, role));
}

/** The report steps to offer as buttons: those the backend allows now, in a steady order. */
function reportActions(allowed, roles) {
  return ACTION_ORDER.filter((action) => (allowed || []).indexOf(action) >= 0)
    .filter((action) => action !== 'assign' || canReassign(roles))
    .map((action) => ({ action, ...REPORT_ACTIONS[action] }));
}

/** The deadline that matters now: answering while it waits, fixing once taken. */
function dueText(report) {
  if (OPEN_STATUSES.indexOf(report.status) < 0) return '';
  if (report.status === 'submitted') return `受理时限 ${format.shortDateTime(report.response_due_at)}`;
  return `办结时限 ${format.shortDateTime(report.resolution_due_at)}`;
}

/**
 * The outcome of one scan for the result card, from the backend's answer (a StaffScanResult):
 * `changed: false` is a check-in or check-out done before, which the scan left as it was.
 */
function scanOutcome(mode, result) {
  const field = mode === 'checkout' ? 'checked_out_at' : 'checked_in_at';
  const verb = mode === 'checkout' ? '签退' : '签到';
  const again = result.changed === false;
  return {
    tone: again ? 'again' : 'ok',
    title: again ? `已${verb}过，无需重复${verb}` : `${verb}成功`,
    detail: `${verb}时间 ${format.shortDateTime(result[field])}`,
  };
}

/**
 * Who a scan admitted: the backend's `attendee` (masked name, flat); only an answer without
 * one falls back to the sign-up's row on the roster (`row`, or null), then to its number.
 */
function scanWho(result, row) {
  const seats = `${result.seats} 人`;
  const attendee = result.attendee;
  if (attendee) return [attendee.name, attendee.flat, seats].filter(Boolean).join(' · ');
  if (row) return [row.shop_name || row.nickname || '居民', row.flat, seats].filter(Boolean).join(' · ');
  return `报名号 ${result.id} · ${seats}`;
}

function scanFailure(error) {
  return { tone: 'fail', title: error.message, detail: SCAN_HINTS[error.reason] || '' };
}

/** A photo behind linli's login as a local file <image> can show; '' when it cannot be had. */
function loadImage(url) {
  return api.download({ path: url, toast: false }).catch(() => '');
}

module.exports = {
  QUEUES,
  REPORT_STATUS_LABELS,
  STATUS_FILTERS,
  REPORT_ACTIONS,
  NOTE_HINTS,
  SCAN_MODES,
  SCAN_HINTS,
  SIGNUP_STATUS_LABELS,
  ACTIVE_SIGNUPS,
  hasRole,
  queuesFor,
  handlesReports,
  scansAnywhere,
  canReassign,
  reportActions,
  dueText,
  // The place in the words residents see it in ("3号楼 2单元"): the API gives the bare unit code.
  placeText: reports.placeText,
  scanOutcome,
  scanWho,
  scanFailure,
  loadImage,
};
