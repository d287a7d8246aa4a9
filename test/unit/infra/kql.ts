/**
 * KQL checked as Azure Monitor would check it when `azd provision` creates an alert rule: parsed and
 * analysed by Microsoft's Kusto language service against the columns of the Application Insights
 * tables (and Log Analytics' AzureMetrics) that the queries read. Unknown operators, functions,
 * tables or columns are errors here instead of a failed deployment.
 */
import '@kusto/language-service-next/bridge.js';
import '@kusto/language-service-next/Kusto.Language.Bridge.js';

const COMMON =
  'timestamp:datetime, itemType:string, customDimensions:dynamic, operation_Name:string, operation_Id:string';

/** The tables the queries use, as `(column:type, ...)` schemas (Application Insights, Log Analytics). */
const TABLES: Record<string, string> = {
  traces: `(${COMMON}, message:string, severityLevel:int)`,
  exceptions: `(${COMMON}, type:string, message:string, outerType:string, outerMessage:string, innermostType:string, innermostMessage:string, problemId:string, severityLevel:int)`,
  requests: `(${COMMON}, name:string, success:bool, resultCode:string, duration:real)`,
  AzureMetrics:
    '(TimeGenerated:datetime, ResourceProvider:string, Resource:string, ResourceId:string, MetricName:string, Maximum:real, Minimum:real, Average:real, Total:real, Count:real)',
};

let globals: Kusto.Language.GlobalState | null = null;

function globalState(): Kusto.Language.GlobalState | null {
  if (globals !== null) return globals;
  const { Symbols, GlobalState } = Kusto.Language;
  const tables = Object.entries(TABLES).map(
    ([name, schema]) => new Symbols.TableSymbol.$ctor7(name, schema, null),
  );
  globals = GlobalState.Default?.WithDatabase(new Symbols.DatabaseSymbol.ctor('logs', tables)) ?? null;
  return globals;
}

/** Error messages of a query (empty when it parses and every name resolves). */
export function kqlErrors(query: string): string[] {
  const diagnostics = Kusto.Language.KustoCode.ParseAndAnalyze(query, globalState())?.GetDiagnostics();
  if (!diagnostics) throw new Error('the Kusto language service returned no diagnostics');
  const errors: string[] = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const diagnostic = diagnostics.getItem(i);
    if (String(diagnostic.Severity) === 'Error')
      errors.push(`${diagnostic.Message ?? ''} at "${query.slice(diagnostic.Start, diagnostic.Start + 30)}"`);
  }
  return errors;
}
