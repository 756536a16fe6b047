/// A problem that stops the dashboard from starting, as one sentence a user can act on.
///
/// Errors are a struct with a nested `Code`, so new cases are not breaking changes.
public struct DashboardError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// `--listen` is not `HOST:PORT`.
        public static let badAddress = Code(rawValue: "badAddress")
        /// A token is missing, too short, or its file cannot be read.
        public static let badToken = Code(rawValue: "badToken")
        /// The address cannot be listened on (in use, not local, no permission).
        public static let cannotListen = Code(rawValue: "cannotListen")
    }

    /// What went wrong.
    public let code: Code
    /// The sentence for the user.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
