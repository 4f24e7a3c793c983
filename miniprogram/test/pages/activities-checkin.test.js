// 签到: my QR code drawn from the backend's signed payload and fetched again before it runs out,
// 扫活动码签到 / 签退 through wx.scanCode, and the page WeChat opens with the activity code's scene.

const { FakeBackend, installWx, settle, reply, jsonError } = require('../helpers/wx');
const { capturePage } = require('../helpers/pages');
const qrcode = require('../../utils/qrcode');
const a = require('../helpers/activities-fixtures');

const PAYLOAD_1 = 'eyJzIjo5MCwiYSI6NSwieCI6MTk1MDAwMDAwMH0.Z8gA1w.first-signature_abc';
const PAYLOAD_2 = 'eyJzIjo5MCwiYSI6NSwieCI6MTk1MDAwMDAwMH0.Z8gB2x.second-signature_xyz';
const BOX = 260; // the canvas's CSS size the selector query reports
const RATIO = 2; // the pixel ratio the page assumes without wx.getWindowInfo

let backend;
let wx;
let state; // {signup, activity}
let codes; // payloads the backend hands out, in turn
let opened; // pages to leave after each test, so no refresh timer outlives it

beforeEach(() => {
  state = { signup: a.signup(90), activity: a.activity(5, { title: '包饺子' }) };
  codes = [PAYLOAD_1, PAYLOAD_2];
  opened = [];
  backend = new FakeBackend();
  backend.on('GET /activities/signups/:id', () => reply(a.signupDetail(state.signup, state.activity)));
  backend.on('GET /activities/signups/:id/checkin-code', () =>
    reply({ code: codes.length > 1 ? codes.shift() : codes[0], expires_at: a.beijing(3 * a.HOUR_MS) })
  );
  backend.on('POST /activities/scan', (call) => {
    const at = a.beijing();
    state.signup = a.signup(
      90,
      call.data.action === 'checkout' ? { checked_in_at: at, checked_out_at: at } : { checked_in_at: at }
    );
    return reply(state.signup);
  });
  wx = installWx(backend);
});

afterEach(() => {
  opened.forEach((page) => page.onUnload());
  jest.useRealTimers();
});

/** A 2d canvas node that records what is drawn on it. */
function fakeCanvas() {
  const canvas = { width: 0, height: 0, rects: [] };
  const ctx = {
    fillStyle: '',
    fillRect: (x, y, w, h) => canvas.rects.push({ x, y, w, h, style: ctx.fillStyle }),
  };
  canvas.getContext = jest.fn(() => ctx);
  return canvas;
}

function withCanvas(page) {
  const canvas = fakeCanvas();
  page.createSelectorQuery = jest.fn(() => ({
    select: (selector) => ({
      fields: (fields) => ({
        exec: (callback) => {
          expect(selector).toBe('#qr');
          expect(fields).toEqual({ node: true, size: true });
          callback([{ node: canvas, width: BOX, height: BOX }]);
        },
      }),
    }),
  }));
  return canvas;
}

async function open(query = { id: '90' }) {
  const page = capturePage('pages/activities/checkin.js');
  const canvas = withCanvas(page);
  opened.push(page);
  page.onLoad(query);
  await settle();
  return { page, canvas };
}

/** The dark modules the canvas shows, as "x,y" — read back from the squares drawn. */
function drawnModules(canvas, size) {
  const side = BOX * RATIO;
  const cell = Math.floor(side / size);
  const offset = Math.floor((side - cell * size) / 2);
  return canvas.rects
    .filter((r) => r.style === '#000000')
    .map((r) => {
      expect([r.w, r.h]).toEqual([cell, cell]);
      return `${(r.x - offset) / cell},${(r.y - offset) / cell}`;
    })
    .sort();
}

function expectedModules(payload) {
  const matrix = qrcode.encode(payload, { ecc: 'M', border: 4 });
  const dark = [];
  matrix.data.forEach((row, y) => row.forEach((on, x) => on && dark.push(`${x},${y}`)));
  return { size: matrix.size, dark: dark.sort() };
}

test('the QR code drawn is the payload from checkin-code, on a white square of device pixels', async () => {
  const { page, canvas } = await open();

  expect(backend.callsTo('GET /activities/signups/90/checkin-code')).toHaveLength(1);
  expect(page.data.code.expiresText).toMatch(/^\d+月\d+日（周.）\d{2}:\d{2}$/);
  expect([canvas.width, canvas.height]).toEqual([BOX * RATIO, BOX * RATIO]);
  expect(canvas.rects[0]).toEqual({ x: 0, y: 0, w: BOX * RATIO, h: BOX * RATIO, style: '#ffffff' });
  const expected = expectedModules(PAYLOAD_1);
  expect(drawnModules(canvas, expected.size)).toEqual(expected.dark);
});

test('the code is fetched and drawn again before it runs out, and no longer once the page is left', async () => {
  jest.useFakeTimers();
  const { page, canvas } = await open();
  canvas.rects = [];

  jest.advanceTimersByTime(29 * 60 * 1000);
  await settle();
  expect(backend.callsTo('GET /activities/signups/90/checkin-code')).toHaveLength(1);

  jest.advanceTimersByTime(60 * 1000);
  await settle();
  expect(backend.callsTo('GET /activities/signups/90/checkin-code')).toHaveLength(2);
  const expected = expectedModules(PAYLOAD_2);
  expect(drawnModules(canvas, expected.size)).toEqual(expected.dark);

  page.onUnload();
  jest.advanceTimersByTime(2 * 60 * 60 * 1000);
  await settle();
  expect(backend.callsTo('GET /activities/signups/90/checkin-code')).toHaveLength(2);
});

test('a code close to its expiry is refreshed at its expiry; an expired one is not drawn', async () => {
  jest.useFakeTimers();
  backend.on('GET /activities/signups/:id/checkin-code', () =>
    reply({ code: PAYLOAD_1, expires_at: a.beijing(5 * 60 * 1000) })
  );
  const { page, canvas } = await open();
  expect(canvas.rects.length).toBeGreaterThan(1);

  backend.on('GET /activities/signups/:id/checkin-code', () =>
    reply({ code: PAYLOAD_1, expires_at: a.beijing(-1000) })
  );
  jest.advanceTimersByTime(5 * 60 * 1000);
  await settle();

  expect(backend.callsTo('GET /activities/signups/90/checkin-code')).toHaveLength(2);
  expect(page.data).toMatchObject({ code: null, codeNote: '签到码已过期，活动已结束' });
});

test('a sign-up not yet confirmed has no code to show', async () => {
  state.signup = a.signup(90, { status: 'waitlisted' });
  const { page, canvas } = await open();

  expect(backend.callsTo('GET /activities/signups/90/checkin-code')).toHaveLength(0);
  expect(page.data).toMatchObject({ state: 'ready', code: null, codeNote: '报名确认后才有签到码' });
  expect(page.data.signup.statusText).toBe('候补中');
  expect(canvas.rects).toEqual([]);
});

test('扫活动码签到 sends the scanned scene to linli and shows me checked in', async () => {
  const { page } = await open();
  wx.will('scanCode', {
    scanType: 'WX_CODE',
    result: '',
    path: 'pages/activities/checkin?scene=Ab_-12cd34EF56gh',
  });

  await page.scanCheckIn();
  await settle();

  expect(wx.scanCode.mock.calls[0][0]).toMatchObject({ onlyFromCamera: true });
  const [scan] = backend.callsTo('POST /activities/scan');
  expect(scan.data).toEqual({ scene: 'Ab_-12cd34EF56gh', action: 'checkin' });
  expect(wx.toasts()).toEqual(['签到成功']);
  expect(page.data.signup.checkedInText).not.toBe('');
});

test('another code is refused without asking linli; a cancelled scan does nothing', async () => {
  const { page } = await open();
  wx.will('scanCode', { scanType: 'QR_CODE', result: 'https://example.com/x' });
  await page.scanCheckIn();
  await page.scanCheckIn(); // the camera closed without a code
  expect(wx.scanCode).toHaveBeenCalledTimes(2);

  expect(backend.callsTo('POST /activities/scan')).toHaveLength(0);
  expect(wx.toasts()).toEqual(['这不是活动签到码，请扫描活动现场的小程序码']);
});

test("a refused scan shows the backend's reason", async () => {
  backend.on('POST /activities/scan', jsonError(409, 'checkin_not_open', '当前不在签到时间内'));
  const { page } = await open();
  wx.will('scanCode', { path: 'pages/activities/checkin?scene=abc' });

  await page.scanCheckIn();

  expect(wx.toasts()).toEqual(['当前不在签到时间内']);
  expect(page.data.scanning).toBe(false);
});

test('a volunteer checked in can check out by scanning again', async () => {
  state.activity = a.activity(5, { kind: 'volunteer_service' });
  state.signup = a.signup(90, { checked_in_at: a.beijing(-a.HOUR_MS) });
  const { page } = await open();
  expect(page.data.signup.canCheckOut).toBe(true);
  wx.will('scanCode', { path: 'pages/activities/checkin?scene=abc' });

  await page.scanCheckOut();
  await settle();

  expect(backend.callsTo('POST /activities/scan')[0].data).toEqual({ scene: 'abc', action: 'checkout' });
  expect(wx.toasts()).toEqual(['签退成功']);
  expect(page.data.signup.canCheckOut).toBe(false);
});

test("opened by WeChat from the activity's code, the page checks me in and shows my sign-up", async () => {
  const { page } = await open({ scene: encodeURIComponent('Ab_-12cd34EF56gh') });

  expect(backend.callsTo('POST /activities/scan')[0].data).toEqual({
    scene: 'Ab_-12cd34EF56gh',
    action: 'checkin',
  });
  expect(backend.callsTo('GET /activities/signups/90')).toHaveLength(1);
  expect(wx.toasts()).toEqual(['签到成功']);
  expect(page.data.state).toBe('ready');
  expect(page.data.signup.title).toBe('包饺子');
});

test('a scene scan refused shows the reason in the page, and retry scans again', async () => {
  backend.on('POST /activities/scan', jsonError(404, 'signup_not_found', '您没有报名该活动'));
  const { page } = await open({ scene: 'abc' });
  expect(page.data).toMatchObject({ state: 'error', error: '您没有报名该活动' });

  page.retry();
  await settle();
  expect(backend.callsTo('POST /activities/scan')).toHaveLength(2);
});

test('opened without a sign-up it says so and leads to 我的报名', async () => {
  const { page } = await open({});

  expect(page.data.state).toBe('empty');
  expect(backend.calls.filter((c) => c.path.indexOf('/activities') === 0)).toHaveLength(0);
  page.openMine();
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/activities/mine' });
});

test('the vendored encoder lays out a well-formed code: finders, timing, quiet zone, version size', () => {
  const { size, data } = qrcode.encode(PAYLOAD_1, { ecc: 'M', border: 4 });
  const core = size - 8;
  expect((core - 17) % 4).toBe(0); // 17 + 4 × version modules, plus the quiet zone
  const at = (x, y) => data[y + 4][x + 4];
  // a 7×7 finder (dark ring, light ring, dark 3×3) in three corners
  [
    [0, 0],
    [core - 7, 0],
    [0, core - 7],
  ].forEach(([ox, oy]) => {
    for (let y = 0; y < 7; y += 1) {
      for (let x = 0; x < 7; x += 1) {
        const ring = Math.max(Math.abs(x - 3), Math.abs(y - 3));
        expect(at(ox + x, oy + y)).toBe(ring !== 2);
      }
    }
  });
  for (let i = 8; i < core - 8; i += 1) {
    expect(at(i, 6)).toBe(i % 2 === 0); // the timing patterns alternate
    expect(at(6, i)).toBe(i % 2 === 0);
  }
  expect(data[0].concat(data[3], data[size - 1]).every((dark) => !dark)).toBe(true);
});
