// Two ways to test a page written with Page({...}):
//  - capturePage: stub the global Page, keep the definition and call its methods on an object
//    that behaves like a page instance (data, setData with paths);
//  - renderPage: register the same definition as a component with miniprogram-simulate, so the
//    page's WXML is compiled by the official compiler and rendered with the page's real data.
//    Needs `@jest-environment jsdom`.
// renderComponent renders one of components/ the same way.

const path = require('path');

const ROOT = path.resolve(__dirname, '../..');

function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** setData's paths: "form.title", "items[2].read", "expanded.0". */
function setPath(target, key, value) {
  const parts = key.replace(/\[(\d+)\]/g, '.$1').split('.');
  let node = target;
  parts.slice(0, -1).forEach((part, i) => {
    if (node[part] === undefined || node[part] === null || typeof node[part] !== 'object') {
      node[part] = /^\d+$/.test(parts[i + 1]) ? [] : {};
    }
    node = node[part];
  });
  node[parts[parts.length - 1]] = value;
}

function definitionOf(relPath) {
  let definition = null;
  const previous = global.Page;
  global.Page = (def) => {
    definition = def;
  };
  try {
    jest.isolateModules(() => {
      require(path.join(ROOT, relPath)); // eslint-disable-line import/no-dynamic-require, global-require
    });
  } finally {
    global.Page = previous;
  }
  if (!definition) throw new Error(`${relPath} did not call Page()`);
  return definition;
}

/** A page instance: `page.data`, `page.setData(...)`, and every method of the definition. */
function capturePage(relPath) {
  const definition = definitionOf(relPath);
  const page = { route: relPath, data: clone(definition.data || {}) };
  page.setData = jest.fn((changes, callback) => {
    Object.keys(changes).forEach((key) => setPath(page.data, key, clone(changes[key])));
    if (callback) callback();
  });
  Object.keys(definition).forEach((key) => {
    if (key === 'data') return;
    const value = definition[key];
    page[key] = typeof value === 'function' ? value.bind(page) : clone(value);
  });
  return page;
}

/** A component (`components/<name>`) rendered by miniprogram-simulate with `props`. */
function renderComponent(name, props = {}) {
  const simulate = require('miniprogram-simulate'); // eslint-disable-line global-require
  let id;
  // jest keeps its own module registry: a fresh one makes the component's Component() run again.
  jest.isolateModules(() => {
    id = simulate.load(path.join(ROOT, `components/${name}/index`), { rootPath: ROOT });
  });
  const comp = simulate.render(id, props);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

/** The page rendered by miniprogram-simulate; `comp.instance` is the page, `comp.dom` its DOM. */
function renderPage(relPath) {
  const simulate = require('miniprogram-simulate'); // eslint-disable-line global-require
  const previous = global.Page;
  global.Page = (def) => {
    const methods = {};
    const fields = {};
    Object.keys(def).forEach((key) => {
      if (key === 'data') return;
      if (typeof def[key] === 'function') methods[key] = def[key];
      else fields[key] = def[key];
    });
    global.Component({
      data: clone(def.data || {}),
      methods,
      lifetimes: {
        created() {
          Object.assign(this, clone(fields));
        },
      },
    });
  };
  try {
    let id;
    // A fresh module registry, so the page's Page() (and its components') run for every render.
    jest.isolateModules(() => {
      id = simulate.load(path.join(ROOT, relPath.replace(/\.js$/, '')), { rootPath: ROOT });
    });
    const comp = simulate.render(id);
    comp.attach(document.createElement('parent-wrapper'));
    return comp;
  } finally {
    global.Page = previous;
  }
}

/**
 * A selector in the class names of what was rendered: simulate prefixes them with "main--",
 * and those of a component the page uses with its tag (`scope`, e.g. 'photo-picker').
 */
function sel(selector, scope = 'main') {
  return selector.replace(/\.([A-Za-z][\w-]*)/g, `.${scope}--$1`);
}

/** The text of every node matching `selector` (class names of `scope`) in a rendered page. */
function texts(comp, selector, scope = 'main') {
  return Array.from(comp.dom.querySelectorAll(sel(selector, scope))).map((node) => node.textContent.trim());
}

/** Fire a tap on the first node matching `selector`, as a finger would. */
function tap(comp, selector) {
  const node = comp.querySelector(selector); // j-component adds the prefix itself
  if (!node) throw new Error(`nothing matches ${selector}`);
  node.dispatchEvent('tap');
}

module.exports = { ROOT, capturePage, renderPage, renderComponent, texts, tap, sel, setPath };
