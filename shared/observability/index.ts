export * from './invocation-dimensions';
export * from './log-line';
export * from './log-scope';
