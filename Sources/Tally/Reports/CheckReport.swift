import Foundation

/// One evaluated metric.
public struct MetricResult: Sendable {
  /// The metric's name.
  public var name: String
  /// The name of the source it was defined in (a file path).
  public var file: String
  /// The 1-based line of its `metric` keyword.
  public var line: Int
  /// The formula's text as written.
  public var formula: String
  /// Its `##` comment lines, joined by line breaks.
  public var description: String?
  /// Its `format`, if given.
  public var format: ValueFormat?
  /// Its value at the report's as-of.
  public var value: MetricValue
  /// Its status against `target` and `warn`.
  public var status: Status
  /// Its evaluated `target` bound, if any.
  public var target: BoundValue?
  /// Its evaluated `warn` bound, if any.
  public var warn: BoundValue?
  /// How long its evaluation took, in seconds (the data already loaded).
  public var seconds: Double = 0
}

/// One evaluated assert.
public struct AssertResult: Sendable {
  /// The name of the source it was written in (a file path).
  public var file: String
  /// The 1-based line of its `assert` keyword.
  public var line: Int
  /// The asserted formula's text as written.
  public var formula: String
  /// The value it evaluated to.
  public var value: MetricValue
  /// True when the value, or every group's value, is `true`.
  public var passed: Bool
  /// How long its evaluation took, in seconds (the data already loaded).
  public var seconds: Double = 0
}

/// Everything `tally check` found.
public struct CheckReport: Sendable {
  /// The as-of instant every value was evaluated at (microseconds since the epoch).
  public var asOf: Int64
  /// Every metric, in definition order.
  public var metrics: [MetricResult]
  /// Every assert, in definition order.
  public var asserts: [AssertResult]
  /// The definition files in the order they were read.
  public var files: [String] = []
  /// Notes on the values: numbers that did not fit and are null.
  public var notes: [Diagnostic] = []
}
