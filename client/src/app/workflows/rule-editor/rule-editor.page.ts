import { ChangeDetectionStrategy, Component, OnInit, effect, inject, input, signal, untracked } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { ReactiveFormsModule } from '@angular/forms';
import { DateTimePipe } from '../../core/date-time.pipe';
import { Router, RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTabsModule } from '@angular/material/tabs';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Observable } from 'rxjs';
import { errorMessages, errorText, httpStatus } from '../../core/api-errors';
import { ChipListInput, uppercaseChip } from '../../core/chip-list-input';
import { confirmAction } from '../../core/confirm-dialog';
import { EnumLabelPipe } from '../../core/enum-label.pipe';
import { applyServerErrors, clearServerErrors, scrollToFirstInvalidField } from '../../core/server-validation';
import { UsersDirectory } from '../../core/users-directory';
import { RevisionsPanel } from '../revisions/revisions-panel';
import { describeTrigger } from '../trigger-summary';
import { WorkflowMetaStore } from '../workflow-meta';
import { RuleAtRevision, WorkflowsApi } from '../workflows-api';
import { RuleRequest, WorkflowRule } from '../workflow.models';
import { ActionList } from './action-list';
import { BacktestPanel } from './backtest-panel';
import { DryRunPanel } from './dry-run-panel';
import { RuleForm, buildRulePayload, createRuleForm } from './rule-form';
import { controlForServerPath } from './rule-server-errors';
import { TriggerEditor } from './trigger-editor';

const CONCURRENT_EDIT =
  'Someone else saved this rule after you opened it, so your save was not applied. Reload to see their version (your edits here are discarded), then edit again.';

/** Create (/workflows/rules/new) or edit (/workflows/rules/:id) a rule, test it, and browse its revisions. */
@Component({
  selector: 'app-rule-editor-page',
  imports: [
    DateTimePipe,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    MatTabsModule,
    MatTooltipModule,
    EnumLabelPipe,
    ChipListInput,
    TriggerEditor,
    ActionList,
    DryRunPanel, BacktestPanel,
    RevisionsPanel,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './rule-editor.page.html',
  styleUrl: './rule-editor.page.scss',
})
export class RuleEditorPage implements OnInit {
  private readonly api = inject(WorkflowsApi);
  private readonly router = inject(Router);
  private readonly snackBar = inject(MatSnackBar);
  private readonly dialog = inject(MatDialog);
  private readonly title = inject(Title);
  private readonly users = inject(UsersDirectory);
  protected readonly metaStore = inject(WorkflowMetaStore);

  /** Route parameter :id; absent on /workflows/rules/new. */
  readonly id = input<string>();

  protected readonly rule = signal<WorkflowRule | null>(null);
  /** The ETag the shown rule was read at: a save sends it as If-Match so it cannot overwrite someone else's save. */
  private etag: string | null = null;
  protected readonly form = signal<RuleForm>(createRuleForm());
  protected readonly loading = signal(false);
  protected readonly loadError = signal<string | null>(null);
  protected readonly saving = signal(false);
  protected readonly resuming = signal(false);
  protected readonly formErrors = signal<string[]>([]);
  protected readonly revisionsVersion = signal(0);
  protected readonly uppercase = uppercaseChip;

  constructor() {
    effect((onCleanup) => {
      const id = this.id();
      untracked(() => {
        if (!id) {
          this.rule.set(null);
          this.etag = null;
          this.form.set(createRuleForm());
          this.title.setTitle('New rule · AuditCaseOS Workflows');
          return;
        }
        this.loading.set(true);
        this.loadError.set(null);
        const sub = this.api.rule(id).subscribe({
          next: (loaded) => {
            this.loading.set(false);
            this.showRule(loaded);
          },
          error: (err: unknown) => {
            this.loading.set(false);
            this.loadError.set(httpStatus(err) === 404 ? 'This rule does not exist (any more).' : errorText(err));
          },
        });
        onCleanup(() => sub.unsubscribe());
      });
    });
  }

  ngOnInit(): void {
    this.metaStore.ensureLoaded();
    this.users.ensureLoaded();
  }

  /** Used by the unsaved-changes guard. */
  hasUnsavedChanges(): boolean {
    return this.form().dirty && !this.saving();
  }

  protected triggerSummary(): string {
    const value = this.form().getRawValue();
    return describeTrigger(value.triggerType, buildRulePayload(value, this.metaStore.meta()).triggerConfig);
  }

  /** The rule as it is in the editor, for a dry run before saving; null while a field is invalid. */
  protected readonly draftBody = (): RuleRequest | null => {
    const form = this.form();
    if (form.invalid) {
      form.markAllAsTouched();
      return null;
    }
    return buildRulePayload(form.getRawValue(), this.metaStore.meta());
  };

  /** `enable` (new rules only): false saves a draft (disabled), true saves it enabled; an existing rule keeps its toggle. */
  protected save(enable?: boolean): void {
    const form = this.form();
    clearServerErrors(form);
    this.formErrors.set([]);
    if (form.invalid) {
      form.markAllAsTouched();
      this.formErrors.set(['Some fields need attention — they are highlighted below.']);
      scrollToFirstInvalidField();
      return;
    }
    const meta = this.metaStore.meta();
    const saved = this.rule();
    this.saving.set(true);
    const payload = buildRulePayload(form.getRawValue(), meta);
    if (!saved) payload.isEnabled = enable ?? false;
    // One request either way: the rule and all its actions are saved together or not at all.
    const request: Observable<RuleAtRevision> = saved
      ? this.api.replaceRule(saved.id, payload, this.etag)
      : this.api.createRule(payload);

    request.subscribe({
      next: (result) => {
        const rule = result.rule;
        this.saving.set(false);
        const created = rule.isEnabled ? `${rule.name} created and enabled` : `${rule.name} saved as a draft (disabled)`;
        this.snackBar.open(saved ? `${rule.name} saved` : created, undefined, { duration: 3000 });
        if (saved) {
          this.showRule(result);
        } else {
          form.markAsPristine();
          void this.router.navigate(['/workflows/rules', rule.id], { replaceUrl: true });
        }
      },
      error: (err: unknown) => {
        this.saving.set(false);
        const status = httpStatus(err);
        if (status === 412 && saved) {
          this.offerReload(saved.id);
          return;
        }
        const messages = errorMessages(err);
        const unplaced = applyServerErrors(messages, (path) => controlForServerPath(form, path));
        const lead = status === 409 ? ['A rule with this name already exists.'] : [];
        this.formErrors.set([...lead, ...unplaced.filter((m) => !(status === 409 && lead.length && /exist/i.test(m)))]);
        if (!this.formErrors().length && messages.length) {
          const count = messages.length;
          this.formErrors.set([`The server refused ${count} field${count === 1 ? '' : 's'} — see the highlighted fields below.`]);
        }
        scrollToFirstInvalidField();
      },
    });
  }

  protected delete(): void {
    const rule = this.rule();
    if (!rule) return;
    confirmAction(this.dialog, {
      title: `Delete “${rule.name}”?`,
      message: 'The rule and its actions are deleted. Its run history is kept.',
      confirmLabel: 'Delete rule',
      destructive: true,
    }).subscribe((confirmed) => {
      if (!confirmed) return;
      this.api.deleteRule(rule.id).subscribe({
        next: () => {
          this.form().markAsPristine();
          this.snackBar.open(`${rule.name} deleted`, undefined, { duration: 3000 });
          void this.router.navigate(['/workflows']);
        },
        error: (err: unknown) => this.snackBar.open(`Delete failed: ${errorText(err)}`, 'Dismiss'),
      });
    });
  }

  /** Ends a pause of the circuit breaker; edits in progress stay (a resume changes nothing they touch). */
  protected resume(): void {
    const rule = this.rule();
    if (!rule) return;
    this.resuming.set(true);
    this.api.resumeRule(rule.id).subscribe({
      next: (resumed) => {
        this.resuming.set(false);
        this.snackBar.open(`${resumed.name} resumed`, undefined, { duration: 2500 });
        this.api.rule(rule.id).subscribe({
          next: (loaded) => {
            if (this.form().pristine) this.showRule(loaded);
            else {
              this.rule.set(loaded.rule);
              this.etag = loaded.etag;
            }
          },
          error: () => this.rule.set({ ...rule, ...resumed }),
        });
      },
      error: (err: unknown) => {
        this.resuming.set(false);
        this.snackBar.open(`Could not resume: ${errorText(err)}`, 'Dismiss');
      },
    });
  }

  protected onRestored(rule: WorkflowRule): void {
    // The restore made a new revision: read the rule back with its ETag.
    this.api.rule(rule.id).subscribe({
      next: (loaded) => this.showRule(loaded),
      error: () => this.showRule({ rule, etag: null }),
    });
  }

  /** Someone else saved the rule since it was opened (412): say so, keep the edits, offer their version. */
  private offerReload(ruleId: string): void {
    this.formErrors.set([CONCURRENT_EDIT]);
    this.snackBar
      .open(CONCURRENT_EDIT, 'Reload', { duration: 15000 })
      .onAction()
      .subscribe(() => {
        this.form().markAsPristine();
        this.api.rule(ruleId).subscribe({
          next: (loaded) => this.showRule(loaded),
          error: (err: unknown) => this.snackBar.open(`Reload failed: ${errorText(err)}`, 'Dismiss'),
        });
      });
  }

  private showRule({ rule, etag }: RuleAtRevision): void {
    this.rule.set(rule);
    this.etag = etag;
    this.form.set(createRuleForm(rule));
    this.formErrors.set([]);
    this.revisionsVersion.update((v) => v + 1);
    this.title.setTitle(`${rule.name} · Rules · AuditCaseOS Workflows`);
  }
}
