// 按房号申请绑定: checks before sending, the claim, field errors from the backend, retries.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { capturePage } = require('../helpers/pages');

let backend;
let wx;

beforeEach(() => {
  backend = new FakeBackend();
  backend.on('POST /me/households/claims', (call) =>
    reply({ id: 8, flat: call.data.flat, status: 'pending', created_at: '2025-03-05T14:30:00+08:00' }, 201)
  );
  wx = installWx(backend);
});

function fill(page, values) {
  Object.keys(values).forEach((field) =>
    page.onInput({ currentTarget: { dataset: { field } }, detail: { value: values[field] } })
  );
}

test('wrong details are pointed out field by field and nothing is sent', async () => {
  const page = capturePage('pages/household-claim/index.js');
  fill(page, { flat: '3栋2单元', name: ' ', phone_last4: '12' });

  await page.submit();

  expect(page.data.errors).toEqual({
    flat: '房号格式应为“楼栋-单元-房号”，如 3-2-1502',
    name: '请输入租房登记的姓名',
    phone_last4: '请输入登记手机号的后四位',
  });
  expect(backend.calls).toHaveLength(0);
});

test('a good claim is sent, confirmed in a dialog, and the page goes back', async () => {
  const page = capturePage('pages/household-claim/index.js');
  fill(page, { flat: '3-2-1502', name: ' 王建国 ', phone_last4: '8000' });

  await page.submit();
  await settle();

  const [claim] = backend.callsTo('POST /me/households/claims');
  expect(claim.data).toEqual({ flat: '3-2-1502', name: '王建国', phone_last4: '8000' });
  expect(claim.header['Idempotency-Key']).toMatch(/^mp-/);
  expect(wx.showModal.mock.calls[0][0].content).toContain('3-2-1502');
  expect(wx.navigateBack).toHaveBeenCalled();
});

test("the backend's refusal is shown; a retry of the same details reuses the key, new details do not", async () => {
  backend.on(
    'POST /me/households/claims',
    jsonError(422, 'binding_details_mismatch', '房号、姓名或手机号后四位与登记信息不一致')
  );
  const page = capturePage('pages/household-claim/index.js');
  fill(page, { flat: '3-2-1502', name: '王建国', phone_last4: '1234' });

  await page.submit();
  await page.submit();
  fill(page, { phone_last4: '8000' });
  await page.submit();

  expect(wx.toasts()[0]).toBe('房号、姓名或手机号后四位与登记信息不一致');
  const keys = backend.callsTo('POST /me/households/claims').map((c) => c.header['Idempotency-Key']);
  expect(keys[0]).toBe(keys[1]);
  expect(keys[2]).not.toBe(keys[1]);
  expect(wx.navigateBack).not.toHaveBeenCalled();
});

test('field errors from the backend land under their fields', async () => {
  backend.on(
    'POST /me/households/claims',
    jsonError(422, 'validation_failed', '提交的内容有误，请检查后重试', {
      flat: ['房号格式应为“楼栋-单元-房号”，如 3-2-1502'],
    })
  );
  const page = capturePage('pages/household-claim/index.js');
  fill(page, { flat: '999-99-9999', name: '王建国', phone_last4: '8000' });

  await page.submit();

  expect(page.data.errors.flat).toBe('房号格式应为“楼栋-单元-房号”，如 3-2-1502');
});
