-- Host 3: the djswap language server in Neovim (0.7+), over stdio, as the README sets it up.
-- Run by scripts/e2e/neovim.mjs:  nvim --headless -i NONE -n -u init.lua blog/models.py  (cwd: a copy of
-- examples/mysite). It waits, with a deadline, for the expected diagnostics, asks for the code actions
-- of one of them ($DJSWAP_NVIM_FIX), applies the preferred fix, waits for the diagnostic to go, writes
-- everything it saw to $DJSWAP_NVIM_OUT as JSON, and quits.
--
-- Environment: DJSWAP_NVIM_CMD (the server command, a JSON array), DJSWAP_NVIM_OUT (the result file),
-- DJSWAP_NVIM_EXPECT (the expected rows: JSON [{file, line, code}], lines 1-based), DJSWAP_NVIM_FIX (the
-- row, in the opened file, whose quick fix is applied),
-- DJSWAP_NVIM_STARTUP_MS (how long the server may take to start and report), DJSWAP_NVIM_DEADLINE_MS
-- (any other wait).

local cmd = vim.json.decode(os.getenv("DJSWAP_NVIM_CMD"))
local out_file = os.getenv("DJSWAP_NVIM_OUT")
local expected = vim.json.decode(os.getenv("DJSWAP_NVIM_EXPECT"))
local to_fix = vim.json.decode(os.getenv("DJSWAP_NVIM_FIX"))
local deadline_ms = tonumber(os.getenv("DJSWAP_NVIM_DEADLINE_MS") or "30000")
local startup_ms = tonumber(os.getenv("DJSWAP_NVIM_STARTUP_MS") or "120000")

local result = { nvim = tostring(vim.version().major) .. "." .. vim.version().minor .. "." .. vim.version().patch, errors = {} }
local client_id

local function finish()
  local f = io.open(out_file .. ".partial", "w")
  f:write(vim.json.encode(result))
  f:close()
  os.rename(out_file .. ".partial", out_file)
  vim.cmd("qall!")
end

local function fail(message)
  table.insert(result.errors, message)
  finish()
end

local function relative(path)
  local root = vim.fn.getcwd() .. "/"
  if path:sub(1, #root) == root then
    return path:sub(#root + 1)
  end
  return path
end

local SEVERITY = { "error", "warning", "information", "hint" }

local function all_diagnostics()
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(nil)) do
    if d.source == "djswap" then
      table.insert(list, {
        file = relative(vim.api.nvim_buf_get_name(d.bufnr)),
        line = d.lnum + 1,
        column = d.col + 1,
        code = d.code,
        severity = SEVERITY[d.severity],
        message = d.message,
      })
    end
  end
  table.sort(list, function(a, b)
    return a.file .. string.format("%06d", a.line) .. a.code < b.file .. string.format("%06d", b.line) .. b.code
  end)
  return list
end

local function has(list, row)
  for _, d in ipairs(list) do
    if d.file == row.file and d.line == row.line and d.code == row.code then
      return true
    end
  end
  return false
end

-- Polls `check` every 100 ms; calls `done(true)` once it holds, `done(false)` after `limit_ms`.
local function poll(check, done, limit_ms)
  limit_ms = limit_ms or deadline_ms
  local started = vim.loop.now()
  local timer = vim.loop.new_timer()
  timer:start(0, 100, vim.schedule_wrap(function()
    local ok, value = pcall(check)
    -- Neither initializing nor running: the server process is gone.
    if client_id and vim.lsp.get_client_by_id(client_id) == nil then
      timer:stop()
      timer:close()
      fail("the language server exited (see neovim-lsp.log)")
    elseif not ok then
      timer:stop()
      timer:close()
      fail("check failed: " .. tostring(value))
    elseif value then
      timer:stop()
      timer:close()
      done(true)
    elseif vim.loop.now() - started > limit_ms then
      timer:stop()
      timer:close()
      done(false)
    end
  end))
end

local function lsp_diagnostic(bufnr, code, line)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == "djswap" and d.code == code and d.lnum + 1 == line then
      local lsp = d.user_data and d.user_data.lsp or {}
      -- The example files are ASCII: byte columns are UTF-16 columns.
      return {
        range = { start = { line = d.lnum, character = d.col }, ["end"] = { line = d.end_lnum, character = d.end_col } },
        severity = d.severity,
        message = d.message,
        source = d.source,
        code = d.code,
        codeDescription = lsp.codeDescription,
        relatedInformation = lsp.relatedInformation,
        data = lsp.data,
      }
    end
  end
end

local function quick_fix(bufnr)
  local diagnostic = lsp_diagnostic(bufnr, to_fix.code, to_fix.line)
  if not diagnostic then
    return fail("no " .. to_fix.code .. " on line " .. to_fix.line .. " of the opened buffer")
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = diagnostic.range,
    context = { diagnostics = { diagnostic } },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, deadline_ms)
  local response = responses and responses[client_id]
  if not response or response.err then
    return fail("textDocument/codeAction: " .. vim.inspect(response and response.err or "no answer"))
  end
  result.actions = {}
  local preferred
  for _, action in ipairs(response.result or {}) do
    table.insert(result.actions, action.title)
    if action.isPreferred and action.edit and not preferred then
      preferred = action
    end
  end
  if not preferred then
    return finish()
  end
  result.applied = preferred.title
  vim.lsp.util.apply_workspace_edit(preferred.edit, "utf-16")
  result.fixed_line = vim.api.nvim_buf_get_lines(bufnr, to_fix.line - 1, to_fix.line, false)[1]
  poll(function()
    return lsp_diagnostic(bufnr, to_fix.code, to_fix.line) == nil
  end, function(gone)
    result.diagnostic_gone_after_fix = gone
    result.after_fix = all_diagnostics()
    finish()
  end)
end

local function start(bufnr)
  poll(function()
    local list = all_diagnostics()
    for _, row in ipairs(expected) do
      if not has(list, row) then
        return false
      end
    end
    return true
  end, function(complete)
    result.diagnostics_complete = complete
    result.diagnostics = all_diagnostics()
    if not complete then
      return finish()
    end
    quick_fix(bufnr)
  end, startup_ms)
end

-- The README's setup for Neovim 0.7+.
vim.api.nvim_create_autocmd("FileType", {
  pattern = "python",
  callback = function(args)
    local root = vim.fs and vim.fs.dirname(vim.fs.find({ "manage.py" }, { upward = true })[1] or "") or vim.fn.getcwd()
    client_id = vim.lsp.start_client({ name = "djswap", cmd = cmd, root_dir = root })
    if not client_id then
      return fail("vim.lsp.start_client failed")
    end
    vim.lsp.buf_attach_client(args.buf, client_id)
    start(args.buf)
  end,
})

-- Whatever happens, never hang: quit well after every deadline.
local overall_ms = startup_ms + 3 * deadline_ms
vim.defer_fn(function()
  fail("the whole run took longer than " .. overall_ms .. " ms")
end, overall_ms)
