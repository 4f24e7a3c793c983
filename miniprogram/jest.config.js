// jest for the mini-program: unit and page tests run in node, component tests declare
// `@jest-environment jsdom` (miniprogram-simulate renders into a DOM), and the contract test
// starts the real backend itself (test/contract/).
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.js'],
  clearMocks: true,
  testTimeout: 15000,
};
