-- Headless Neovim drives `maestroc lsp` as a user's editor would: it attaches the server
-- to a broken file, waits for the diagnostics, asks for a hover and a go-to-definition,
-- and checks what comes back. Works with Neovim 0.7 (Debian) and later.
--
-- Run (see .ci/lsp.sh):
--   MAESTROC=target/debug/maestroc MFLOW_DIR=/tmp/dir nvim --headless -u NONE -i NONE \
--     -c "luafile editors/nvim/test/lsp.lua"
-- where /tmp/dir holds broken.mflow and lib.mflow. Exit status 0 when every check passed.

local bin = os.getenv("MAESTROC")
local dir = os.getenv("MFLOW_DIR")
local failures = 0
local passed = 0

local function check(ok, what, detail)
  if ok then
    passed = passed + 1
    io.stdout:write("ok   " .. what .. "\n")
  else
    failures = failures + 1
    io.stdout:write("FAIL " .. what .. ": " .. vim.inspect(detail) .. "\n")
  end
end

local function finish()
  io.stdout:write(string.format("nvim-lsp: %d passed, %d failed\n", passed, failures))
  vim.cmd(failures == 0 and "qall!" or "cquit! 1")
end

vim.cmd("edit " .. dir .. "/broken.mflow")
vim.bo.filetype = "mflow"
local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "maestroc",
  cmd = { bin, "lsp" },
  root_dir = dir,
})
check(client_id ~= nil, "the server starts", client_id)
vim.lsp.buf_attach_client(bufnr, client_id)

-- Diagnostics: the checker's E0104 with its help, on the misspelt name.
local got = vim.wait(20000, function()
  return #vim.diagnostic.get(bufnr) > 0
end, 50)
local diagnostics = vim.diagnostic.get(bufnr)
-- Line 8 (0-based 7) of broken.mflow: run "echo ${count} ${cuont} ${lib.double(count)}"
local line = vim.api.nvim_buf_get_lines(bufnr, 7, 8, false)[1] or ""
local function col_of(word)
  return (line:find(word, 1, true) or 1) - 1
end
check(got and #diagnostics == 1, "one diagnostic is published", diagnostics)
local d = diagnostics[1] or {}
local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
check(code == "E0104", "its code is E0104", d)
check(d.lnum == 7 and d.col == col_of("cuont"), "it is on `cuont`", { d.lnum, d.col })
check((d.message or ""):find("did you mean `count`?", 1, true) ~= nil, "the message carries the help", d.message)

local client = vim.lsp.get_client_by_id(client_id)
local function request(method, line, character)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = line, character = character },
  }
  local response = client.request_sync(method, params, 10000, bufnr)
  return response and response.result, response
end

-- Hover on the use of `count` in the step: its type and doc comment.
local hover, raw = request("textDocument/hover", 7, col_of("count") + 1)
local text = hover and hover.contents and hover.contents.value or ""
check(text:find("param count: int", 1, true) ~= nil, "hover shows `param count: int`", raw)
check(text:find("How many rows.", 1, true) ~= nil, "hover shows the doc comment", text)

-- Go to definition of `double` (lib.double) lands in lib.mflow, on the fn's name.
local def, raw_def = request("textDocument/definition", 7, col_of("double"))
if def and def[1] then
  def = def[1]
end
check(def and def.uri == vim.uri_from_fname(dir .. "/lib.mflow"), "definition is in lib.mflow", raw_def)
check(def and def.range.start.line == 1 and def.range.start.character == 3, "definition is on `double`", def)

vim.lsp.stop_client(client_id)
finish()
