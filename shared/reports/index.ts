export { csvCell, csvRecord, CSV_LINE_END, type CsvValue } from './csv';
export { customerSummary, mcaReportCsv, MCA_REPORT_COLUMNS, type CustomerSummary } from './mca-report';
export {
  REMINDER_WAITING_STATES,
  summariseStates,
  type StateSummary,
  type SummaryOptions,
} from './state-summary';
