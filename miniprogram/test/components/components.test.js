/** @jest-environment jsdom */
// The shared components, rendered by miniprogram-simulate with the official WXML compiler.

const simulate = require('miniprogram-simulate');
const { renderComponent: render } = require('../helpers/pages');

function texts(comp, cls) {
  return Array.from(comp.dom.querySelectorAll(`.main--${cls}`)).map((n) => n.textContent.trim());
}

describe('state-view', () => {
  test('loading shows a spinner and says so', () => {
    const comp = render('state-view', { state: 'loading' });
    expect(comp.dom.querySelector('.main--spinner')).not.toBeNull();
    expect(texts(comp, 'state-text')).toEqual(['正在加载…']);
  });

  test('empty shows its text and an optional action that fires "action"', async () => {
    const comp = render('state-view', { state: 'empty', emptyText: '暂时没有通知', actionText: '去绑定' });
    const fired = jest.fn();
    comp.addEventListener('action', fired);

    expect(texts(comp, 'state-text')).toEqual(['暂时没有通知']);
    comp.querySelector('.state-btn').dispatchEvent('tap');
    await simulate.sleep(0);

    expect(fired).toHaveBeenCalledTimes(1);
  });

  test('error shows the message and a retry button that fires "retry"', async () => {
    const comp = render('state-view', { state: 'error', errorText: '网络连接失败，请检查网络后重试' });
    const retried = jest.fn();
    comp.addEventListener('retry', retried);

    expect(texts(comp, 'state-error')).toEqual(['网络连接失败，请检查网络后重试']);
    comp.querySelector('.state-btn').dispatchEvent('tap');
    await simulate.sleep(0);

    expect(retried).toHaveBeenCalledTimes(1);
  });

  test('ready renders nothing, leaving the page its content', () => {
    const comp = render('state-view', { state: 'ready' });
    expect(comp.dom.textContent.trim()).toBe('');
  });
});

describe('notice-card', () => {
  const notice = {
    id: 12,
    title: '3号楼停水通知',
    summary: '因管道维修，3号楼明日 9:00-12:00 停水',
    pinned: true,
    requires_ack: true,
    acknowledged: false,
    read: false,
    published_at: '2025-03-05T14:30:00+08:00',
  };

  test('an unread pinned notice that asks for confirmation shows dot, 置顶 and 需确认', () => {
    const comp = render('notice-card', { notice });

    expect(comp.dom.querySelector('.main--unread .main--dot')).not.toBeNull();
    expect(texts(comp, 'title')).toEqual(['3号楼停水通知']);
    expect(texts(comp, 'tag')).toEqual(['置顶', '需确认']);
    expect(texts(comp, 'time')[0]).toMatch(/03-05 14:30$/);
  });

  test('a read, confirmed notice shows 已确认 and no dot', () => {
    const comp = render('notice-card', {
      notice: { ...notice, read: true, acknowledged: true, pinned: false },
    });

    expect(comp.dom.querySelector('.main--dot')).toBeNull();
    expect(texts(comp, 'tag')).toEqual(['已确认']);
  });

  test('a tap fires "open" with the notice id', async () => {
    const comp = render('notice-card', { notice });
    const opened = jest.fn();
    comp.addEventListener('open', opened);

    comp.querySelector('.notice').dispatchEvent('tap');
    await simulate.sleep(0);

    expect(opened.mock.calls[0][0].detail).toEqual({ id: 12 });
  });
});

describe('delivery-progress', () => {
  test('shows done of total with percent and a count per outcome', () => {
    const comp = render('delivery-progress', {
      progress: { queued: 2, sending: 1, sent: 6, no_credit: 1, failed: 0, cancelled: 0, total: 10 },
    });

    expect(texts(comp, 'headline')).toEqual(['正在推送']);
    expect(texts(comp, 'figures')).toEqual(['7 / 10（70%）']);
    expect(texts(comp, 'cell')).toEqual(['6已送达', '1未订阅', '1发送中', '2排队中']);
  });

  test('follows new progress as the page polls', async () => {
    const comp = render('delivery-progress', { progress: { queued: 4, total: 4 } });
    comp.setData({ progress: { sent: 4, total: 4 } });
    await simulate.sleep(0);

    expect(texts(comp, 'headline')).toEqual(['推送完成']);
    expect(texts(comp, 'figures')).toEqual(['4 / 4（100%）']);
  });
});
