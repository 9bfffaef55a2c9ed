import Foundation

/// Row-level and metric-level functions.
public enum Function: String, Sendable, CaseIterable {
  case seconds, minutes, hours, days, abs, round, floor, ceil, least, greatest, coalesce
  case `if`, lower, upper, length, contains, date, hour, weekday
  case startsWith = "starts_with"
  case endsWith = "ends_with"
}

/// Aggregate functions.
public enum AggregateFunction: String, Sendable, CaseIterable {
  case count, sum, avg, min, max, median, percentile, first, last
  case countDistinct = "count_distinct"
}
