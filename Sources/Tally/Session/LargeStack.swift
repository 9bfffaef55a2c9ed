import Foundation

/// Work that recurses as deep as a formula nests runs on a thread with a large stack: checked
/// trees and their evaluation are as deep as a formula's longest chain, deeper than a main
/// thread's stack allows in some embedders. The session's entry points run here; work that is
/// already on such a thread runs in place.
public enum LargeStack {
  /// The stack size of the threads `run` makes.
  public static let size = 512 << 20
  private static let marker = "tally.largeStack"

  /// Runs `body` on a thread with a large stack and waits for it (in place when already on one).
  public static func run<T>(_ body: @escaping () throws -> T) rethrows -> T {
    if Thread.current.threadDictionary[marker] != nil { return try body() }
    let work = Work(body)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      Thread.current.threadDictionary[marker] = true
      work.result = Result { try work.body() }
      done.signal()
    }
    thread.stackSize = size
    thread.start()
    done.wait()
    switch work.result! {
    case .success(let v): return v
    case .failure(let e): return try { throw e }()
    }
  }

  /// The work handed to the thread and the result handed back; the caller waits for the
  /// thread, so the two never touch it at once.
  private final class Work<T>: @unchecked Sendable {
    let body: () throws -> T
    var result: Result<T, any Error>?
    init(_ body: @escaping () throws -> T) { self.body = body }
  }
}
