// 报事 (problem reports) as residents see them: Chinese labels for statuses and steps, the place
// in words, the backend's limits the forms mirror, and report photos fetched with our token.

const api = require('./api');
const format = require('./format');

// app/reports/models.py ReportStatus; the same words as the backend's status_label.
const STATUS_LABELS = {
  submitted: '已提交',
  accepted: '已受理',
  in_progress: '处理中',
  resolved: '已解决',
  closed: '已完结',
  rejected: '已驳回',
  reopened: '重新处理',
  cancelled: '已撤销',
};
const STATUS_TAGS = {
  submitted: 'tag-info',
  accepted: 'tag-info',
  in_progress: 'tag-warn',
  resolved: 'tag-done',
  closed: 'tag-done',
  rejected: 'tag-muted',
  reopened: 'tag-warn',
  cancelled: 'tag-muted',
};
const OPEN_STATUSES = ['submitted', 'accepted', 'in_progress', 'reopened'];
// The backend lets the reporter rate a resolved or closed report (services/rating.py RATABLE).
const RATABLE_STATUSES = ['resolved', 'closed'];
// The status filter of the lists: '' is no filter, 'open' every unfinished status. The public
// list never holds cancelled reports.
const STATUS_FILTERS = [
  { value: '', label: '全部状态' },
  { value: 'open', label: '未办结' },
  ...Object.keys(STATUS_LABELS).map((status) => ({ value: status, label: STATUS_LABELS[status] })),
];
const PUBLIC_STATUS_FILTERS = STATUS_FILTERS.filter((f) => f.value !== 'cancelled');
const REPORTER_ACTION_LABELS = { cancel: '撤销报事', close: '确认已解决', reopen: '重新打开' };
const PHOTO_STATE_LABELS = { pending: '审核中', review: '审核中', risky: '未通过审核' };
const TEXT_NOTES = {
  review: '内容审核中，审核通过前只有您和工作人员能看到',
  hidden: '内容已被隐藏，只有您和工作人员能看到',
};

// The limits of app/reports/schemas.py, so the form refuses before a round trip.
const LIMITS = {
  textMin: 2,
  textMax: 1000,
  placeNoteMax: 100,
  photos: 9,
  commentMax: 500,
  noteMax: 500,
};
// schemas.py ASSET_CODE: the number painted on a lamp post or charger.
const ASSET_CODE = /^[A-Za-z0-9_-]{1,32}$/;

function statusLabel(status) {
  return format.label(STATUS_LABELS, status);
}

function isOpen(status) {
  return OPEN_STATUSES.indexOf(status) >= 0;
}

function isValidAssetCode(code) {
  return ASSET_CODE.test(code || '');
}

/**
 * The asset code in what the camera read: the code itself, or a link carrying it as a query
 * parameter (asset_code= or asset=) or as the segment after /asset/ or /assets/. Null when
 * none: any other link (a WeChat article, a shop's page) is not taken for a code.
 */
function assetCodeFromScan(text) {
  const value = String(text || '').trim();
  if (isValidAssetCode(value)) return value;
  const link = /^https?:\/\/[^/?#]*([^?#]*)(?:\?([^#]*))?/i.exec(value);
  if (!link) return null;
  const params = {};
  (link[2] || '').split('&').forEach((pair) => {
    const [key, raw = ''] = pair.split('=');
    try {
      params[decodeURIComponent(key)] = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch (error) {
      // a malformed escape: not a parameter we can use
    }
  });
  const fromQuery = [params.asset_code, params.asset].find(isValidAssetCode);
  if (fromQuery) return fromQuery;
  const segments = link[1].split('/').filter(Boolean);
  const at = segments.findIndex((segment) => /^assets?$/i.test(segment));
  const code = at >= 0 ? segments[at + 1] : null;
  return isValidAssetCode(code) ? code : null;
}

/** A report's place in a few words: "3号楼 2单元", "设施编号 LD-0312", "地图位置". */
function placeText(report) {
  const parts = [];
  if (report.building_name) {
    parts.push(report.unit_code ? `${report.building_name} ${report.unit_code}单元` : report.building_name);
  }
  if (report.asset_code) parts.push(`设施编号 ${report.asset_code}`);
  if (!parts.length && report.lat && report.lng) parts.push('地图位置');
  return parts.join(' · ');
}

/** A list item (ReportItemSchema) with what the cards show. */
function decorateItem(item) {
  return {
    ...item,
    statusText: item.status_label || statusLabel(item.status),
    statusTag: STATUS_TAGS[item.status] || 'tag-muted',
    placeText: placeText(item),
    createdText: format.shortDateTime(item.created_at),
    thumbSrc: '',
  };
}

/** Who took a step, as the timeline shows it: "网格员 张三", "责任单位 北焦物业", "系统". */
function actorText(entry) {
  const role = entry.actor_role_label || '';
  const name = entry.actor_name || '';
  if (entry.actor_role === 'system' || !name || name === role) return role || name;
  return role ? `${role} ${name}` : name;
}

/** A timeline entry (ReportTimelineEntrySchema) with what the timeline shows. */
function decorateStep(entry) {
  return {
    ...entry,
    actorText: actorText(entry),
    statusText: entry.to_status ? statusLabel(entry.to_status) : '',
    timeText: format.dateTime(entry.created_at),
  };
}

/** "2025-03-05T14:30:00+08:00" → a Date (the API's times carry their offset). */
function parseTime(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?/.exec(
    value || ''
  );
  if (!match) return null;
  const [, y, mo, d, h, mi, s = '00', zone = '+08:00'] = match;
  const offset =
    zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  return new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - offset * 60 * 1000);
}

/**
 * Until when the reporter may reopen the report: the detail's `reopen_until`, as the backend
 * computes it from its own setting (passed or not). Null when it cannot be reopened at all.
 */
function reopenDeadline(detail) {
  return detail.reopen_until ? parseTime(detail.reopen_until) : null;
}

/** The same deadline in Beijing time, "03-12 14:30" (the year when it is not this one). */
function deadlineText(date, now = new Date()) {
  const beijing = new Date(date.getTime() + 8 * 60 * 60 * 1000).toISOString(); // "…T06:30:00.000Z"
  return format.shortDateTime(`${beijing.slice(0, 16)}+08:00`, now);
}

// -- photos ---------------------------------------------------------------------------------
// The API gives a photo as a path below our server (/api/v1/media/<id>/thumb) that answers
// only with our token, which an <image src> cannot send: fetch it into a local file first.

const downloaded = {}; // the API's path → local temporary file, for as long as the app runs

/**
 * A local file of the photo at `path` (as the API gave it); rejects when it cannot be had.
 * Never toasts: the page shows a place-holder instead.
 */
async function photoFile(path) {
  if (!downloaded[path]) downloaded[path] = await api.download({ path, toast: false });
  return downloaded[path];
}

/** Fill in a list page's thumbnails from item `from` on, each into its item if still there. */
function fillThumbs(page, from = 0) {
  page.data.items.slice(from).forEach((item, offset) => {
    if (!item.thumb_url) return;
    const index = from + offset;
    photoFile(item.thumb_url).then(
      (src) => {
        const current = page.data.items[index];
        if (current && current.id === item.id) page.setData({ [`items[${index}].thumbSrc`]: src });
      },
      () => {} // the card keeps its place-holder
    );
  });
}

/** Forget the downloaded files (tests; and after a logout nobody else's photos linger). */
function forgetPhotos() {
  Object.keys(downloaded).forEach((url) => delete downloaded[url]);
}

module.exports = {
  STATUS_LABELS,
  STATUS_TAGS,
  STATUS_FILTERS,
  PUBLIC_STATUS_FILTERS,
  OPEN_STATUSES,
  RATABLE_STATUSES,
  REPORTER_ACTION_LABELS,
  PHOTO_STATE_LABELS,
  TEXT_NOTES,
  LIMITS,
  statusLabel,
  isOpen,
  isValidAssetCode,
  assetCodeFromScan,
  placeText,
  decorateItem,
  decorateStep,
  actorText,
  parseTime,
  reopenDeadline,
  deadlineText,
  photoFile,
  fillThumbs,
  forgetPhotos,
};
