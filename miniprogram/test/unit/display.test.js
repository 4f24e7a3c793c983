// Large-text mode: stored once, applied by every page on show.

const { FakeBackend, installWx } = require('../helpers/wx');
const { capturePage } = require('../helpers/pages');

let wx;

beforeEach(() => {
  wx = installWx(new FakeBackend());
});

test('the switch is stored and every page picks up its class when shown', () => {
  const display = require('../../utils/display'); // eslint-disable-line global-require
  const page = capturePage('pages/household-claim/index.js');
  page.onShow();
  expect(page.data.textClass).toBe('');

  display.setLargeText(true);
  page.onShow();

  expect(wx.storage.get('linli.largeText')).toBe(true);
  expect(page.data.textClass).toBe('large-text');
});

test('app.wxss scales sizes by 1.25 under the large-text class', () => {
  const fs = require('fs'); // eslint-disable-line global-require
  const css = fs.readFileSync(require.resolve('../../app.wxss'), 'utf8');

  expect(css).toMatch(/\.page\.large-text\s*{\s*--fs:\s*1\.25;/);
  expect(css).toMatch(/\.page\s*{[^}]*--fs:\s*1;[^}]*font-size:\s*calc\(32rpx \* var\(--fs\)\)/);
});
