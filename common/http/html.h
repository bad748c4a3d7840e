// HTML output for browser-facing pages: escaping, and the one page frame every
// page uses (no third-party scripts or fonts; a strict Content-Security-Policy).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vc::common {

// Escapes & < > " ' so text is safe in element content and quoted attributes.
std::string HtmlEscape(std::string_view text);

struct PageOptions {
  std::string title;      // plain text, escaped here
  std::string body_html;  // already safe HTML
  std::string banner;     // plain text shown on top of every page (e.g. "SANDBOX"), escaped
  std::string script;     // optional inline script, allowed by a per-page CSP hash
  bool wide = false;      // a wider column (tables of claims)
};

// A complete, self-contained HTML document.
std::string RenderPage(const PageOptions& options);

// The Content-Security-Policy for a page rendered with `options`.
std::string PageCsp(const PageOptions& options);

// A long value a person may need to paste elsewhere (a deep link, a DID): shown
// as wrapping monospace text with a Copy button. The button appears only when
// the page's script includes CopyScript(). `text` and `label` are escaped.
std::string CopyableText(std::string_view id, std::string_view text, std::string_view label);

// The script behind CopyableText's buttons; append it to a page's own script.
const std::string& CopyScript();

// An error page: a heading, what happened, and what the user can do.
std::string RenderErrorPage(std::string_view heading, std::string_view message,
                            std::string_view banner = "");

// An auto-submitting POST form (Auth0 /continue): fields are escaped; the page
// also has a visible button for browsers with scripts off.
std::string RenderAutoPostForm(std::string_view action,
                               const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace vc::common
