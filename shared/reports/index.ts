export { csvCell, csvRecord, CSV_LINE_END, type CsvValue } from './csv';
export { customerSummary, mcaReportCsv, MCA_REPORT_COLUMNS, type CustomerSummary } from './mca-report';
export {
  REMINDER_WAITING_STATES,
  summariseStates,
  type StateSummary,
  type SummaryOptions,
} from './state-summary';
export {
  CUSTOMER_SORT_KEYS,
  customerTablePage,
  SORT_ORDERS,
  type CustomerSortKey,
  type CustomerTablePage,
  type CustomerTableQuery,
  type SortOrder,
} from './customer-table';
export {
  ACCEPTED_ACTIONS,
  expiringLinks,
  STATE_CHANGE_ACTIONS,
  stateChangesPerDay,
  TIME_TO_ACCEPTED_BUCKETS,
  timeToAccepted,
  type DailyStateChanges,
  type ExpiringLink,
  type TimeToAccepted,
} from './dashboard-overview';
