// 发布通知 (grid workers and admins): title, text, who gets it, when, pinned, 需确认, WeChat push.
// Grid workers address only their own grids and the buildings in them; admins also the whole
// community. The backend checks the same (403 not_your_grid / audience_admin_only).

const api = require('../../../utils/api');
const { definePage } = require('../../../utils/page');
const ui = require('../../../utils/ui');

const KIND_LABELS = { community: '全社区', grids: '按网格', buildings: '按楼栋' };

function pad(n) {
  return n < 10 ? `0${n}` : String(n);
}

function localDate(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** What this person may address: kinds, and the grids and buildings they may pick. */
function audienceChoices(me, grids, buildings) {
  const isAdmin = me.roles.indexOf('admin') >= 0;
  const mine = isAdmin ? grids : grids.filter((g) => g.worker_user_ids.indexOf(me.id) >= 0);
  const mineIds = mine.map((g) => g.id);
  const kinds = (isAdmin ? ['community', 'grids', 'buildings'] : ['grids', 'buildings']).map((value) => ({
    value,
    label: KIND_LABELS[value],
  }));
  const single = mine.length === 1; // a grid worker with one grid: preselect it
  return {
    kinds,
    kind: kinds[0].value,
    grids: mine.map((g) => ({ id: g.id, name: g.name, checked: single })),
    buildings: buildings
      .filter((b) => isAdmin || mineIds.indexOf(b.grid_id) >= 0)
      .map((b) => ({ id: b.id, name: b.name, checked: false })),
  };
}

definePage({
  data: {
    state: 'loading',
    error: '',
    kinds: [],
    kind: 'grids',
    grids: [],
    buildings: [],
    form: {
      title: '',
      body: '',
      pinned: false,
      requires_ack: false,
      push: true,
      scheduled: false,
      date: '',
      time: '',
    },
    today: '',
    errors: {},
    submitting: false,
  },

  onLoad() {
    this.load();
  },

  async load() {
    this.setData({ state: 'loading' });
    try {
      const [me, grids, buildings] = await Promise.all([
        api.get('/me', null, { toast: false }),
        api.get('/admin/grids', null, { toast: false }),
        api.get('/admin/buildings', null, { toast: false }),
      ]);
      const choices = audienceChoices(me, grids, buildings);
      if (!choices.grids.length && choices.kind !== 'community') {
        this.setData({ state: 'empty' });
        return;
      }
      const later = new Date(Date.now() + 60 * 60 * 1000);
      this.setData({
        state: 'ready',
        ...choices,
        today: localDate(new Date()),
        'form.date': localDate(later),
        'form.time': `${pad(later.getHours())}:00`,
      });
    } catch (error) {
      this.setData({ state: 'error', error: error.message });
    }
  },

  retry() {
    this.load();
  },

  // Any change makes the next submit a new action with a new Idempotency-Key.
  edited(changes) {
    this.actionKey = null;
    this.setData(changes);
  },

  onInput(e) {
    const field = e.currentTarget.dataset.field;
    this.edited({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '' });
  },

  onSwitch(e) {
    this.edited({ [`form.${e.currentTarget.dataset.field}`]: !!e.detail.value });
  },

  onKindChange(e) {
    this.edited({ kind: e.detail.value, 'errors.audience': '' });
  },

  onPick(e) {
    const list = e.currentTarget.dataset.list; // grids | buildings
    const picked = e.detail.value.map(Number);
    const items = this.data[list].map((item) => ({ ...item, checked: picked.indexOf(item.id) >= 0 }));
    this.edited({ [list]: items, 'errors.audience': '' });
  },

  onDate(e) {
    this.edited({ 'form.date': e.detail.value, 'errors.publish_at': '' });
  },

  onTime(e) {
    this.edited({ 'form.time': e.detail.value, 'errors.publish_at': '' });
  },

  /** The request body, or {errors} when something is missing. */
  build() {
    const { form, kind } = this.data;
    const errors = {};
    const title = form.title.trim();
    const body = form.body.trim();
    if (!title) errors.title = '请填写标题';
    else if (title.length > 64) errors.title = '标题最多 64 个字';
    if (!body) errors.body = '请填写通知内容';
    else if (body.length > 5000) errors.body = '内容最多 5000 个字';
    const audience = { kind };
    if (kind !== 'community') {
      audience.ids = this.data[kind].filter((item) => item.checked).map((item) => item.id);
      if (!audience.ids.length)
        errors.audience = kind === 'grids' ? '请至少选择一个网格' : '请至少选择一栋楼';
    }
    let publishAt = null;
    if (form.scheduled) {
      publishAt = `${form.date}T${form.time}:00`; // no offset: the backend reads Beijing time
      const when = new Date(form.date.replace(/-/g, '/') + ' ' + form.time);
      if (!(when.getTime() > Date.now())) errors.publish_at = '定时发布的时间须晚于现在';
    }
    if (Object.keys(errors).length) return { errors };
    return {
      payload: {
        title,
        body,
        audience,
        pinned: form.pinned,
        requires_ack: form.requires_ack,
        push: form.push,
        publish_at: publishAt,
      },
    };
  },

  audienceText() {
    const { kind } = this.data;
    if (kind === 'community') return '全社区住户';
    const count = this.data[kind].filter((item) => item.checked).length;
    return kind === 'grids' ? `${count} 个网格的住户` : `${count} 栋楼的住户`;
  },

  async submit() {
    if (this.data.submitting) return;
    const { payload, errors } = this.build();
    if (errors) {
      this.setData({ errors });
      ui.toast('请检查标红的内容');
      return;
    }
    const when = payload.publish_at
      ? `将于 ${this.data.form.date} ${this.data.form.time} 发布给`
      : '将立即发布给';
    const push = payload.push ? '，并通过微信消息提醒已订阅的住户' : '';
    const sure = await ui.confirm({
      title: '确认发布',
      content: `${when}${this.audienceText()}${push}。`,
      confirmText: '发布',
    });
    if (!sure) return;
    this.actionKey = this.actionKey || api.newIdempotencyKey();
    this.setData({ submitting: true });
    try {
      const notice = await api.post('/admin/notices', payload, { idempotencyKey: this.actionKey });
      this.actionKey = null;
      wx.redirectTo({ url: `/pages/staff/report/index?id=${notice.id}` });
    } catch (error) {
      // Keep the key: tapping 发布 again retries this same notice, never a second one.
      if (error.status === 422) this.setData({ errors: api.fieldMessages(error.errors) });
    } finally {
      this.setData({ submitting: false });
    }
  },
});
