// Answers shaped like linli's report API (app/reports/schemas.py, setup_schemas.py and
// app/media/schemas.py), for the 报事 page tests on the fake backend.

const { beijing, subscription } = require('./fixtures');

const DAY_MS = 24 * 60 * 60 * 1000;

// GET /me/subscriptions where 报事 asks for its one template.
const SUBSCRIPTIONS = [subscription('report_update', 'tpl_report')];

const CATEGORIES = [
  { id: 1, code: 'street_light', name: '路灯', is_public: true, response_hours: 24, resolution_hours: 72 },
  { id: 2, code: 'lift', name: '电梯', is_public: true, response_hours: 2, resolution_hours: 24 },
  { id: 6, code: 'noise', name: '噪音扰民', is_public: false, response_hours: 12, resolution_hours: 48 },
];

// What the proposed GET /api/v1/community/places answers (see the helper's report).
const PLACES = {
  items: [
    {
      id: 10,
      code: '1',
      name: '1号楼',
      units: [
        { id: 101, code: '1' },
        { id: 102, code: '2' },
      ],
    },
    { id: 11, code: '2', name: '2号楼', units: [] },
  ],
};

function item(id, overrides = {}) {
  return {
    id,
    category_id: 1,
    category_name: '路灯',
    summary: `报事 ${id}：路灯不亮`,
    status: 'submitted',
    status_label: '已提交',
    building_id: 10,
    building_name: '1号楼',
    asset_code: null,
    supporter_count: 0,
    thumb_url: null,
    created_at: '2025-03-05T14:30:00+08:00',
    ...overrides,
  };
}

function similar(id, overrides = {}) {
  return {
    id,
    summary: `报事 ${id}：1号楼门口路灯不亮`,
    status: 'accepted',
    status_label: '已受理',
    supporter_count: 3,
    created_at: '2025-03-04T09:00:00+08:00',
    ...overrides,
  };
}

function media(id, overrides = {}) {
  return {
    id,
    url: `/api/v1/media/${id}/original`,
    thumb_url: `/api/v1/media/${id}/thumb`,
    content_type: 'image/jpeg',
    width: 1280,
    height: 960,
    moderation: 'pending',
    ...overrides,
  };
}

/** POST /reports answers a ReportSchema. */
function created(id, body) {
  return {
    id,
    category_id: body.category_id,
    text: body.text,
    status: 'submitted',
    status_label: '已提交',
    moderation: 'pass',
    is_public: true,
    building_id: (body.place && body.place.building_id) || null,
    unit_id: (body.place && body.place.unit_id) || null,
    lat: null,
    lng: null,
    asset_code: (body.place && body.place.asset_code) || null,
    place_note: (body.place && body.place.note) || null,
    response_due_at: '2025-03-06T14:30:00+08:00',
    resolution_due_at: '2025-03-08T14:30:00+08:00',
    created_at: '2025-03-05T14:30:00+08:00',
  };
}

/** A ReportRefSchema: what a step or 我也遇到 answers, the report as it now is. */
function ref(id, status, statusLabel, overrides = {}) {
  return {
    id,
    status,
    status_label: statusLabel,
    moderation: 'pass',
    supporter_count: 0,
    organisation_id: null,
    ...overrides,
  };
}

function step(action, overrides = {}) {
  return {
    action,
    action_label: action,
    actor_name: '北焦居民小王',
    actor_role: 'reporter',
    actor_role_label: '报事人',
    organisation_name: null,
    from_status: null,
    to_status: 'submitted',
    note: null,
    created_at: '2025-03-05T14:30:00+08:00',
    ...overrides,
  };
}

function photo(id, moderation = 'pass') {
  return {
    id,
    url: `/api/v1/media/${id}/original`,
    thumb_url: `/api/v1/media/${id}/thumb`,
    moderation,
  };
}

/** GET /reports/<id> answers a ReportDetailSchema. */
function detail(id, overrides = {}) {
  return {
    id,
    category_id: 1,
    category_name: '路灯',
    text: '1号楼门口的路灯晚上不亮，老人出门看不清。',
    status: 'submitted',
    status_label: '已提交',
    moderation: 'pass',
    is_public: true,
    building_id: 10,
    building_name: '1号楼',
    unit_code: null,
    lat: null,
    lng: null,
    asset_code: null,
    place_note: null,
    organisation_name: '北焦物业',
    reporter_nickname: '北焦居民小王',
    supporter_count: 0,
    photos: [],
    timeline: [step('submit', { action_label: '提交报事' })],
    is_mine: true,
    is_supporter: false,
    actions: ['cancel'],
    reopen_until: null,
    response_due_at: '2025-03-06T14:30:00+08:00',
    resolution_due_at: '2025-03-08T14:30:00+08:00',
    resolved_at: null,
    rating: null,
    rating_comment: null,
    rated_at: null,
    created_at: '2025-03-05T14:30:00+08:00',
    ...overrides,
  };
}

// config REPORT_REOPEN_DAYS, as the backend runs by default.
const REOPEN_DAYS = 7;

/**
 * A report of mine resolved `daysAgo` days ago, with its whole timeline. As the backend does,
 * `reopen_until` is REOPEN_DAYS after that, and `reopen` is offered only until then.
 */
function resolved(id, daysAgo = 1, overrides = {}) {
  const at = beijing(-daysAgo * DAY_MS);
  const reopenable = daysAgo < REOPEN_DAYS;
  return detail(id, {
    status: 'resolved',
    status_label: '已解决',
    resolved_at: at,
    actions: reopenable ? ['close', 'reopen'] : ['close'],
    reopen_until: beijing((REOPEN_DAYS - daysAgo) * DAY_MS),
    timeline: [
      step('submit', { action_label: '提交报事', created_at: beijing(-(daysAgo + 2) * DAY_MS) }),
      step('route', {
        action_label: '派单',
        actor_name: '系统',
        actor_role: 'system',
        actor_role_label: '系统',
        organisation_name: '北焦物业',
        from_status: 'submitted',
        to_status: 'submitted',
        created_at: beijing(-(daysAgo + 2) * DAY_MS),
      }),
      step('accept', {
        action_label: '受理',
        actor_name: '物业李师傅',
        actor_role: 'org_staff',
        actor_role_label: '责任单位',
        organisation_name: '北焦物业',
        from_status: 'submitted',
        to_status: 'accepted',
        created_at: beijing(-(daysAgo + 1) * DAY_MS),
      }),
      step('resolve', {
        action_label: '办结',
        actor_name: '物业李师傅',
        actor_role: 'org_staff',
        actor_role_label: '责任单位',
        organisation_name: '北焦物业',
        from_status: 'accepted',
        to_status: 'resolved',
        note: '已更换灯泡',
        created_at: at,
      }),
    ],
    ...overrides,
  });
}

module.exports = {
  DAY_MS,
  REOPEN_DAYS,
  beijing,
  SUBSCRIPTIONS,
  CATEGORIES,
  PLACES,
  item,
  similar,
  media,
  created,
  ref,
  step,
  photo,
  detail,
  resolved,
};
