/**
 * Every tool built into Claude Code 2.1.332, as named in its binary and in the tool list its
 * upstream requests carry when tools are on. `--tools ""` hides them from the model, but the CLI
 * itself still calls Read for an `@file` mention and Bash (`ls`) for an `@dir/` one; a permission
 * deny rule is what stops that (measured: `--disallowedTools Read` did not). A name a CLI version
 * no longer has is harmless in the list; a new tool must be added here.
 */
export const BUILT_IN_TOOLS = [
  'Agent', 'AskUserQuestion', 'Bash', 'BashOutput', 'CronCreate', 'DeferredToolPlaceholder', 'Edit',
  'EnterPlanMode', 'EnterWorktree', 'ExitPlanMode', 'Glob', 'Grep', 'KillBash', 'KillShell', 'LS',
  'LSP', 'ListAgents', 'ListMcpResourcesTool', 'Monitor', 'MultiEdit', 'NotebookEdit', 'NotebookRead',
  'PowerShell', 'REPL', 'ReadMcpResourceTool', 'Read', 'RemoteTrigger', 'ReportFindings',
  'ScheduleWakeup', 'SendMessage', 'Skill', 'SlashCommand', 'Task', 'TaskOutput', 'TaskStop',
  'TeamCreate', 'TodoWrite', 'ToolSearch', 'WebFetch', 'WebSearch', 'Workflow', 'Write',
] as const;

/**
 * The settings every session runs with (`--settings`, which still applies under
 * `--setting-sources ""`): every built-in tool denied, whoever asks for it (the model or the CLI's
 * own mention handling), and no hooks.
 */
export function cliSettings(): string {
  return JSON.stringify({ permissions: { deny: [...BUILT_IN_TOOLS], defaultMode: 'default' }, disableAllHooks: true });
}
