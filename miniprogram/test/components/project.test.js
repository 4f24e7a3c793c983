// The project as WeChat DevTools would build it: every page listed exists in full, every
// component a page uses exists, and the official compilers (wcc, wcsc) accept all WXML/WXSS.

const fs = require('fs');
const path = require('path');
const compiler = require('miniprogram-compiler');

const ROOT = path.resolve(__dirname, '../..');
const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));

test.each(app.pages)('%s has its .js, .json, .wxml and .wxss, and its components exist', (page) => {
  ['js', 'json', 'wxml', 'wxss'].forEach((ext) => {
    expect(fs.existsSync(path.join(ROOT, `${page}.${ext}`))).toBe(true);
  });
  const json = JSON.parse(fs.readFileSync(path.join(ROOT, `${page}.json`), 'utf8'));
  Object.values(json.usingComponents || {}).forEach((used) => {
    const base = used.startsWith('/') ? path.join(ROOT, used) : path.join(ROOT, path.dirname(page), used);
    expect(fs.existsSync(`${base}.js`)).toBe(true);
  });
});

test('every tab is a page, and the first page is the home tab', () => {
  const tabs = app.tabBar.list.map((t) => t.pagePath);
  expect(tabs).toEqual([
    'pages/index/index',
    'pages/reports/mine/index',
    'pages/activities/index',
    'pages/notices/index',
    'pages/me/index',
  ]);
  expect(app.tabBar.list.map((t) => t.text)).toEqual(['首页', '报事', '活动', '通知', '我的']);
  tabs.forEach((tab) => expect(app.pages).toContain(tab));
  expect(app.pages[0]).toBe(tabs[0]);
});

test('every page a page opens is in app.json (tabs through switchTab, others not)', () => {
  const tabs = app.tabBar.list.map((t) => `/${t.pagePath}`);
  const wrong = [];
  let calls = 0;
  let checked = 0;
  app.pages.forEach((page) => {
    const source = fs.readFileSync(path.join(ROOT, `${page}.js`), 'utf8');
    calls += (source.match(/wx\.(navigateTo|redirectTo|switchTab)\(/g) || []).length;
    const opened = source.matchAll(/wx\.(navigateTo|redirectTo|switchTab)\(\{ url: [`'](\/pages\/[\w/-]+)/g);
    Array.from(opened).forEach(([, how, url]) => {
      checked += 1;
      if (!app.pages.includes(url.slice(1))) wrong.push(`${page}: ${url} is no page`);
      if ((how === 'switchTab') !== tabs.includes(url)) wrong.push(`${page}: wx.${how} to ${url}`);
    });
  });
  expect(wrong).toEqual([]);
  expect(checked).toBe(calls); // every navigation was read, none skipped by its formatting
  expect(checked).toBeGreaterThan(0);
});

test('the official WXML compiler accepts every template', () => {
  const code = compiler.wxmlToJs(ROOT);
  app.pages.forEach((page) => expect(code).toContain(`${page}.wxml`));
});

test('the official WXSS compiler accepts every style sheet, including the --fs scaling', () => {
  const code = compiler.wxssToJs(ROOT);
  expect(code).toContain('large-text');
  expect(code).toContain('--fs');
});

test('project.config.json names a placeholder appid and keeps tests out of the package', () => {
  const project = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8'));
  expect(['touristappid', 'wx0000000000000000']).toContain(project.appid);
  expect(project.miniprogramRoot).toBe('./');
  const ignored = project.packOptions.ignore.map((rule) => rule.value);
  expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'test', 'package.json']));
});
