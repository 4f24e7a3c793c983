// What the backend's codes and times look like to a person: Chinese labels and short dates.

const ROLE_LABELS = {
  resident: '居民',
  grid_worker: '网格员',
  org_staff: '共建单位工作人员',
  merchant: '商户',
  admin: '社区管理员',
};

const RELATION_LABELS = { primary_tenant: '承租人', co_resident: '同住人' };
const BINDING_METHOD_LABELS = { phone_match: '手机号自动绑定', staff_approval: '工作人员审核' };
const CLAIM_STATUS_LABELS = {
  pending: '待审核',
  approved: '已通过',
  rejected: '已驳回',
  withdrawn: '已撤回',
};
const NOTICE_STATUS_LABELS = { scheduled: '待发布', published: '已发布', cancelled: '已撤回' };
const PUSH_LABELS = {
  off: '未推送微信消息',
  not_published: '发布后开始推送',
  no_recipients: '没有可推送的住户',
  unavailable: '未配置通知模板，未推送',
  queued: '微信消息推送',
};
// Delivery statuses in the order the progress bar shows them.
const DELIVERY_LABELS = [
  ['sent', '已送达'],
  ['no_credit', '未订阅'],
  ['failed', '发送失败'],
  ['cancelled', '已取消'],
  ['sending', '发送中'],
  ['queued', '排队中'],
];
const UNREACHED_REASON_LABELS = {
  no_push: '未推送',
  no_delivery: '无微信账号',
  no_credit: '未订阅提醒',
  failed: '发送失败',
  cancelled: '已取消',
};
const STAFF_ROLES = ['admin', 'grid_worker'];

function roleLabels(roles) {
  return (roles || []).map((role) => ROLE_LABELS[role] || role);
}

function isStaff(roles) {
  return (roles || []).some((role) => STAFF_ROLES.indexOf(role) >= 0);
}

/** "2026-03-05T14:30:00+08:00" (Beijing time from the API) → "2026-03-05 14:30". */
function dateTime(value) {
  if (!value) return '';
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(value);
  return match ? `${match[1]} ${match[2]}` : String(value);
}

/** The same, without the year when it is this year's: "03-05 14:30". */
function shortDateTime(value, now = new Date()) {
  const full = dateTime(value);
  return full.indexOf(`${now.getFullYear()}-`) === 0 ? full.slice(5) : full;
}

/** A push's progress as the report shows it: done of total, percent, rows per outcome. */
function deliverySummary(progress) {
  const count = (key) => (progress && progress[key]) || 0;
  const total = count('total');
  const pending = count('queued') + count('sending');
  const rows = DELIVERY_LABELS.map(([key, text]) => ({ key, label: text, count: count(key) })).filter(
    (row) => row.count > 0 || row.key === 'sent'
  );
  return {
    total,
    done: total - pending,
    percent: total ? Math.round(((total - pending) * 100) / total) : 0,
    pending,
    finished: total > 0 && pending === 0,
    rows,
  };
}

function label(table, code) {
  return table[code] || code || '';
}

module.exports = {
  ROLE_LABELS,
  RELATION_LABELS,
  BINDING_METHOD_LABELS,
  CLAIM_STATUS_LABELS,
  NOTICE_STATUS_LABELS,
  PUSH_LABELS,
  DELIVERY_LABELS,
  UNREACHED_REASON_LABELS,
  roleLabels,
  isStaff,
  dateTime,
  shortDateTime,
  deliverySummary,
  label,
};
