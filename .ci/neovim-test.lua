-- The language server in a real client: headless Neovim starts `vox-clavis-lint server` on a
-- copy of a fixture file, waits for its diagnostics, asks for the code actions of one and
-- applies its fix, then checks the buffer and the diagnostics that follow. Run by
-- .ci/neovim-test, which sets VOX_BIN (the binary), VOX_ROOT (the workspace folder) and
-- VOX_FILE (the file to open); exits 1 with a message on the first failure.

local bin, root, file = os.getenv('VOX_BIN'), os.getenv('VOX_ROOT'), os.getenv('VOX_FILE')
local RULE = 'deprecated-secret-alias'

local function say(message)
  io.stdout:write('neovim-test: ' .. message .. '\n')
end

local function fail(message)
  io.stderr:write('neovim-test: FAIL: ' .. message .. '\n')
  vim.cmd('cquit 1')
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function find(buf, rule)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if code_of(d) == rule then
      return d
    end
  end
end

local function run()
  if not (bin and root and file) then
    error('VOX_BIN, VOX_ROOT and VOX_FILE must be set')
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local config = { name = 'vox-clavis-lint', cmd = { bin, 'server' }, root_dir = root }
  local client
  if vim.lsp.start then
    client = vim.lsp.start(config, { bufnr = buf })
  else
    -- Neovim 0.7 (Debian 12): no vim.lsp.start yet.
    client = vim.lsp.start_client(config)
    if client then
      vim.lsp.buf_attach_client(buf, client)
    end
  end
  if not client then
    error('the client did not start')
  end

  if not vim.wait(60000, function() return find(buf, RULE) ~= nil end, 50) then
    error('no ' .. RULE .. ' diagnostic; got ' .. vim.inspect(vim.diagnostic.get(buf)))
  end
  local d = find(buf, RULE)
  if not find(buf, 'secret-env-read') then
    error('no secret-env-read diagnostic; got ' .. vim.inspect(vim.diagnostic.get(buf)))
  end
  say(string.format('%d diagnostics, %s on line %d', #vim.diagnostic.get(buf), RULE, d.lnum + 1))

  local range = {
    start = { line = d.lnum, character = d.col },
    ['end'] = { line = d.end_lnum, character = d.end_col },
  }
  local diagnostic = { range = range, message = d.message, code = RULE, source = d.source }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = range,
    context = { diagnostics = { diagnostic } },
  }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 20000) or {}
  local action
  for _, response in pairs(responses) do
    for _, a in ipairs(response.result or {}) do
      local diagnostics = a.diagnostics or {}
      if a.edit and diagnostics[1] and diagnostics[1].code == RULE and not action then
        action = a
      end
    end
  end
  if not action then
    error('no code action with an edit for ' .. RULE .. '; got ' .. vim.inspect(responses))
  end
  say('applying "' .. action.title .. '"')
  local before = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]
  vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
  local after = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]
  if not before:find('"OAI_API_KEY"', 1, true) or not after:find('"OPENAI_API_KEY"', 1, true)
      or after:find('OAI_API_KEY', 1, true) then
    error('the fix did not rename the alias: before ' .. before .. ', after ' .. after)
  end
  -- The edit reaches the server as didChange; its diagnostics follow the buffer.
  if not vim.wait(30000, function() return find(buf, RULE) == nil end, 50) then
    error(RULE .. ' still reported after the fix: ' .. vim.inspect(vim.diagnostic.get(buf)))
  end
  say('the fix applied and the diagnostic went away')
end

local ok, err = pcall(run)
if not ok then
  fail(tostring(err))
else
  vim.cmd('qall!')
end
