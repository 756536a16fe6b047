import Foundation
import Schedules

/// Why a data set was refused.
///
/// The message is one line that names the file and, for a bad row, its 1-based line
/// number: `data.csv, line 7: expected 9 columns like line 2, found 8`. New codes may be
/// added; switch over `code` with a default.
public struct DatasetError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The kind of problem.
    public enum Code: String, Sendable {
        /// The file could not be read.
        case unreadable
        /// The file has no rows, or only a header.
        case empty
        /// A row has a different number of columns from the first data row, or fewer than 2.
        case wrongColumnCount
        /// A feature is not a finite number.
        case invalidValue
        /// A label is not an integer in `0..<Dataset.maximumClassCount`.
        case invalidLabel
        /// Arrays passed to `Dataset.init` do not fit together.
        case invalidShape
    }

    public let code: Code
    /// The file concerned, if any.
    public let path: String?
    /// The 1-based line of the offending row, if any.
    public let line: Int?
    public let message: String

    public init(_ code: Code, path: String? = nil, line: Int? = nil, _ detail: String) {
        self.code = code
        self.path = path
        self.line = line
        let text =
            switch (path, line) {
            case (let path?, let line?): "\(path), line \(line): \(detail)"
            case (let path?, nil): "\(path): \(detail)"
            default: detail
            }
        message = OneLine.escaping(text)
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}
