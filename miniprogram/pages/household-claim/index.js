// 按房号申请绑定: flat + the registered name + the last four digits of the registered phone;
// staff approve the claim. The rules mirror the backend's (app/accounts/schemas.py).

const api = require('../../utils/api');
const { definePage } = require('../../utils/page');
const ui = require('../../utils/ui');

const RULES = {
  flat: [/^\d{1,3}-\d{1,2}-\d{3,4}$/, '房号格式应为“楼栋-单元-房号”，如 3-2-1502'],
  name: [/^\S.{0,31}$/, '请输入租房登记的姓名'],
  phone_last4: [/^\d{4}$/, '请输入登记手机号的后四位'],
};

function check(form) {
  const errors = {};
  Object.keys(RULES).forEach((field) => {
    const [pattern, message] = RULES[field];
    if (!pattern.test((form[field] || '').trim())) errors[field] = message;
  });
  return errors;
}

definePage({
  data: {
    form: { flat: '', name: '', phone_last4: '' },
    errors: {},
    submitting: false,
  },

  onInput(e) {
    const field = e.currentTarget.dataset.field;
    this.actionKey = null; // changed details are a new claim, not a retry
    this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '' });
  },

  async submit() {
    if (this.data.submitting) return;
    const form = {
      flat: this.data.form.flat.trim(),
      name: this.data.form.name.trim(),
      phone_last4: this.data.form.phone_last4.trim(),
    };
    const errors = check(form);
    if (Object.keys(errors).length) {
      this.setData({ errors });
      return;
    }
    this.actionKey = this.actionKey || api.newIdempotencyKey();
    this.setData({ submitting: true });
    try {
      const claim = await api.post('/me/households/claims', form, { idempotencyKey: this.actionKey });
      this.actionKey = null;
      await ui.alert({
        title: '申请已提交',
        content: `房屋 ${claim.flat} 的绑定申请已提交，社区工作人员审核通过后即可使用。`,
      });
      wx.navigateBack();
    } catch (error) {
      if (error.status === 422) this.setData({ errors: api.fieldMessages(error.errors) });
    } finally {
      this.setData({ submitting: false });
    }
  },
});
