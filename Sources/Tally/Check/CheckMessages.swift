import Foundation

/// What the checker reports: names that resolve to nothing, types that do not fit,
/// clauses that do not fit their datasets.
public enum CheckMessage: DiagnosticMessage {
  case unknownName(String)
  /// `qualified` when written `dataset.column`, not as a bare name.
  case unknownColumn(String, in: String, qualified: Bool)
  case unknownColumnAnywhere(String)
  case unknownDataset(String)
  case unknownFunction(String)
  case ambiguousColumn(String, datasets: [String])
  case columnOutsideAggregate(String)
  case datasetAsValue(String)
  case aggregateInRow(String)
  case twoDatasets(String, String)
  case noDatasetForAggregate(String)
  case typeMismatch(String, String, String)
  case unaryMismatch(String, String)
  case expectedType(String, want: String, got: String)
  case argumentCount(String, want: String, got: Int)
  case percentileRange
  case percentileNotConstant
  case noTimeColumn(String)
  case notTimeColumn(String, of: String, type: String)
  case byColumnMissing(String, in: String)
  case byKeyTypes(String, String, String, String, String)
  case invalidFormula
  case tooDeepDefinitions(Int)
  case whereOutsideAggregate(String)
  case definitionHasError(String)
  case notConstantInAggregate(String)
  case aggregateNeedsColumn(String, dataset: String)
  case nestedBy
  /// The names around the cycle, the first repeated at the end.
  case cycle([String])
  case assertNotBool
  case boundNotConstant
  case notAView(String)
  case rowLevelClause
  case groupedTarget
  case nestedSeries
  case seriesOverGroupsUnderBy
  case firstOverGroups(String)
  case valueOutsideGroups
  case seriesSpan
  case clauseWithoutEffect(String, String)

  public static let stage = "check"

  public var text: String {
    switch self {
    case .unknownName(let s): return "unknown name '\(s)'"
    case .unknownColumn(let c, let d, _): return "unknown column '\(c)' in '\(d)'"
    case .unknownColumnAnywhere(let c): return "unknown column '\(c)' in any dataset"
    case .unknownDataset(let s): return "unknown dataset '\(s)'"
    case .unknownFunction(let s): return "unknown function '\(s)'"
    case .ambiguousColumn(let c, let ds):
      return
        "column '\(c)' is in several datasets (\(ds.map { "'\($0)'" }.joined(separator: ", "))); name one, as in '\(formulaName(ds[0])).\(formulaName(c))'"
    case .columnOutsideAggregate(let c):
      return "column '\(c)' is used outside an aggregate; wrap it in one, as in 'sum(\(c.contains(".") ? c : formulaName(c)))'"
    case .datasetAsValue(let d): return "dataset '\(d)' is not a value; count its rows with 'count(\(formulaName(d)))'"
    case .aggregateInRow(let f): return "aggregate '\(f)' inside another aggregate or a row filter"
    case .twoDatasets(let a, let b): return "one aggregate reads one dataset, but this one reads '\(a)' and '\(b)'"
    case .noDatasetForAggregate(let f):
      return "aggregate '\(f)' names no dataset; name one, as in '\(f)(orders.amount)' or 'count(orders)'"
    case .typeMismatch(let op, let l, let r): return "'\(op)' cannot combine \(l) and \(r)"
    case .unaryMismatch(let op, let t): return "'\(op)' cannot apply to \(t)"
    case .expectedType(let what, let want, let got): return "\(what) must be \(want), not \(got)"
    case .argumentCount(let f, let want, let got): return "'\(f)' takes \(want) argument\(want == "1" ? "" : "s"), not \(got)"
    case .percentileRange: return "percentile must be between 0 and 1 (as in 90% or 0.9)"
    case .percentileNotConstant: return "the percentile must be a constant number, as in 90%"
    case .noTimeColumn(let d):
      return
        "dataset '\(d)' has no time column for a window; name one with 'time COL' in its declaration, '--data \(d)=PATH,time=COL' or ':load PATH as \(d) time COL'"
    case .notTimeColumn(let c, let d, let t): return "column '\(c)' of '\(d)' is \(t), not a time, so it cannot be the time column"
    case .byColumnMissing(let c, let d): return "'by \(c)': dataset '\(d)' has no column '\(c)'"
    case .byKeyTypes(let c, let t0, let d0, let t1, let d1):
      return "'by \(c)': '\(c)' is \(t0) in '\(d0)' but \(t1) in '\(d1)', so their groups cannot meet"
    case .invalidFormula: return "invalid formula"
    case .tooDeepDefinitions(let n): return "definitions nest more than \(n) operators deep once 'let's and metrics are put in place"
    case .whereOutsideAggregate(let f): return "'where' goes only in an aggregate, not in '\(f)'"
    case .definitionHasError(let n): return "'\(n)' has an error"
    case .notConstantInAggregate(let n): return "'\(n)' is not a constant, so it cannot be used inside an aggregate"
    case .aggregateNeedsColumn(let f, let d): return "'\(f)' needs a column or a row formula, as in '\(f)(\(formulaName(d)).amount)'"
    case .nestedBy: return "'by' inside another 'by' is not supported; group the whole expression once"
    case .cycle(let names): return "definitions refer to each other in a cycle: \(names.joined(separator: " -> "))"
    case .assertNotBool: return "an assert must be a boolean formula"
    case .boundNotConstant: return "a bound must be a constant, as in 1.5% or 24h"
    case .notAView(let n): return "'\(n)' is not a dataset or a view, so it cannot take 'where' or 'time'"
    case .rowLevelClause: return "'over', 'offset', 'at' and 'by' apply to aggregates, not inside one"
    case .groupedTarget: return "a target or warn bound is a single value"
    case .firstOverGroups(let f): return "'\(f)' reads rows in time order, and groups have no time; use 'min' or 'max' over groups"
    case .valueOutsideGroups:
      return
        "'value' is the value of a group, in the 'where' of an aggregate over groups, as in 'count(count(paid) by buyer_id where value >= 2)'"
    case .seriesOverGroupsUnderBy:
      return
        "an aggregate over a series' points cannot stand under an outer 'by'; group inside the series instead: 'max(count(paid) by shop every day for 28d)' reduces over every shop and day"
    case .nestedSeries: return "'every' inside another 'every' is not supported; make one series"
    case .seriesSpan: return "'every ... for W' needs a span W longer than zero, as in 'every day for 28d'"
    case .clauseWithoutEffect(let outer, let inner):
      return "'\(outer)' has no effect here: every aggregate inside already has its own '\(inner)', which wins"
    }
  }
}
