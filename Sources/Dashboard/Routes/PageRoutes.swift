import Foundation
import Hummingbird
import Ledger

/// The HTML pages and their assets. The pages are static shells: every string from the
/// ledger reaches the browser as JSON from the API and is put in the page as text by
/// the scripts, never as HTML.
struct PageRoutes {
    let dashboard: Dashboard

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in
            Asset.indexPage.response()
        }
        router.get("/runs/{name}") { _, context in
            let name = try APIRoutes.name(context)
            do {
                _ = try await dashboard.outline(name)
            } catch let error as APIError where error.status == .notFound {
                var response = Asset.notFoundPage.response()
                response.status = .notFound
                return response
            }
            return Asset.runPage.response()
        }
        for asset in Asset.scriptsAndStyles {
            router.get(RouterPath(asset.path)) { _, _ in asset.response() }
        }
    }
}
