import Foundation

/// The result of evaluating a formula.
public struct Evaluation: Sendable {
  /// The as-of instant in force (microseconds since the epoch).
  public var asOf: Int64
  /// One value, or one per group.
  public var value: MetricValue
  /// The type of the value (of each group's value, when grouped).
  public var type: ValueType
  /// The metric's `format`, when the formula is a bare metric name.
  public var format: ValueFormat?
  /// What the value's reader should know: a number that did not fit and is null.
  public var notes: [Diagnostic] = []
}
