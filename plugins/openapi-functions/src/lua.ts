// The Lua that turns a request into a call of one HTTP operation: it sets :method and fills the operation's path
// template from the request (each `{param}` from the query parameter of that name, else the header
// `x-gatehouse-param-<name>`), keeping the query string. Envoy refuses :method/:path in header additions, and a path
// rewrite cannot change the method; the stock Lua filter can do both. The route stays the one already chosen.

/** A Lua string literal: printable ASCII as is, the rest as decimal escapes (no injection through a path). */
export function luaString(s: string): string {
  let out = '"';
  for (const ch of Buffer.from(s, 'utf8')) {
    if (ch >= 0x20 && ch < 0x7f && ch !== 0x22 && ch !== 0x5c) out += String.fromCharCode(ch);
    else out += `\\${ch.toString().padStart(3, '0')}`;
  }
  return `${out}"`;
}

const PARAM = /\{([^{}/]+)\}/g;
export const PARAM_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** The template's parts: literal text and parameter names, in order. Throws on a parameter name Gatehouse refuses. */
export function templateParts(path: string): Array<{ text: string } | { param: string }> {
  const parts: Array<{ text: string } | { param: string }> = [];
  let at = 0;
  for (const m of path.matchAll(PARAM)) {
    if (m.index > at) parts.push({ text: path.slice(at, m.index) });
    if (!PARAM_NAME.test(m[1]!)) throw new Error(`path parameter "${m[1]!.slice(0, 40)}" must be letters, digits, '_', '.' or '-'`);
    parts.push({ param: m[1]! });
    at = m.index + m[0].length;
  }
  if (at < path.length) parts.push({ text: path.slice(at) });
  return parts;
}

/** The per-route script for one operation. */
export function operationScript(method: string, path: string): string {
  const parts = templateParts(path);
  const pieces = parts.map((p) => ('text' in p ? luaString(p.text) : `param(${luaString(p.param)})`));
  return `-- gatehouse: call ${method} ${path.replace(/[\r\n]/g, ' ')}
local function encode(v)
  return (string.gsub(v, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
function envoy_on_request(h)
  local headers = h:headers()
  local full = headers:get(":path") or "/"
  local query = string.match(full, "%?(.*)$")
  local q = {}
  if query then
    for k, v in string.gmatch(query, "([^&=]+)=([^&]*)") do q[k] = v end
  end
  local missing = nil
  local function param(name)
    local v = q[name]
    if v ~= nil and v ~= "" then return v end
    v = headers:get("x-gatehouse-param-" .. string.lower(name))
    if v ~= nil and v ~= "" then return encode(v) end
    missing = missing or name
    return ""
  end
  local path = ${pieces.length ? pieces.join(' .. ') : '"/"'}
  if missing then
    h:respond({[":status"] = "400", ["content-type"] = "text/plain"}, "missing path parameter " .. missing .. ": pass it as the query parameter " .. missing .. " or the header x-gatehouse-param-" .. string.lower(missing) .. "\\n")
    return
  end
  if query then path = path .. "?" .. query end
  headers:replace(":method", ${luaString(method)})
  headers:replace(":path", path)
end
`;
}
