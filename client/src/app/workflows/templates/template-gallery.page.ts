import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import type { RuleTemplate } from '../../../../../contracts/workflows';
import { errorText, httpStatus } from '../../core/api-errors';
import { EnumLabelPipe } from '../../core/enum-label.pipe';
import { describeTrigger } from '../trigger-summary';
import { WorkflowsApi } from '../workflows-api';
import { MAX_NAME_ATTEMPTS, templateRuleName } from './template-name';

/** Ready-made rules as cards; one click saves the chosen one as a draft (disabled) and opens it in the editor. */
@Component({
  selector: 'app-template-gallery-page',
  imports: [RouterLink, MatButtonModule, MatCardModule, MatIconModule, MatProgressBarModule, EnumLabelPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="page">
      <a mat-button routerLink="/workflows" class="back"><mat-icon svgIcon="arrow_back" />All rules</a>
      <header class="page-header">
        <h1>Rule templates</h1>
      </header>
      <p class="muted intro">
        Each template is saved as a <strong>draft</strong>: disabled until you enable it. Review it and dry-run it against a
        case in the editor first.
      </p>
      @if (loading()) { <mat-progress-bar mode="indeterminate" aria-label="Loading templates" /> }
      @if (loadError(); as message) {
        <div class="empty-state" data-testid="templates-error">
          <mat-icon aria-hidden="true" svgIcon="error_outline" />
          <p>{{ message }}</p>
          <button mat-button type="button" (click)="load()">Try again</button>
        </div>
      }
      <div class="gallery" data-testid="template-gallery">
        @for (tpl of templates(); track tpl.key) {
          <mat-card appearance="outlined" class="template-card" data-testid="template-card" [attr.data-template-key]="tpl.key">
            <mat-card-header>
              <mat-card-title>{{ tpl.name }}</mat-card-title>
              <mat-card-subtitle>{{ tpl.rule.triggerType | enumLabel }} · {{ trigger(tpl) }}</mat-card-subtitle>
            </mat-card-header>
            <mat-card-content>
              <p>{{ tpl.description }}</p>
              <p class="muted small">
                {{ tpl.rule.actions?.length ?? 0 }} action{{ (tpl.rule.actions?.length ?? 0) === 1 ? '' : 's' }}:
                @for (a of tpl.rule.actions ?? []; track $index) { {{ a.actionType | enumLabel }}{{ $last ? '' : ', ' }} }
              </p>
            </mat-card-content>
            <mat-card-actions align="end">
              <button mat-flat-button type="button" (click)="use(tpl)" [disabled]="creating() !== null" data-testid="template-use">
                <mat-icon svgIcon="add" />{{ creating() === tpl.key ? 'Creating…' : 'Use as draft' }}
              </button>
            </mat-card-actions>
          </mat-card>
        }
      </div>
    </section>
  `,
  styles: `
    .intro { margin: 0 0 16px; }
    .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 16px; }
    .template-card { display: flex; flex-direction: column; }
    .template-card mat-card-content { flex: 1; }
    .small { font-size: 12px; }
    mat-card-subtitle { font-size: 13px; line-height: 18px; margin-top: 4px; }
  `,
})
export class TemplateGalleryPage implements OnInit {
  private readonly api = inject(WorkflowsApi);
  private readonly router = inject(Router);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly templates = signal<RuleTemplate[]>([]);
  protected readonly loading = signal(false);
  protected readonly loadError = signal<string | null>(null);
  /** The key of the template being created (one at a time). */
  protected readonly creating = signal<string | null>(null);

  ngOnInit(): void {
    this.load();
  }

  protected load(): void {
    this.loading.set(true);
    this.loadError.set(null);
    this.api.templates().subscribe({
      next: (templates) => {
        this.templates.set(templates);
        this.loading.set(false);
      },
      error: (err: unknown) => {
        this.loading.set(false);
        this.loadError.set(`The templates could not be loaded: ${errorText(err)}`);
      },
    });
  }

  protected trigger(tpl: RuleTemplate): string {
    return describeTrigger(tpl.rule.triggerType, tpl.rule.triggerConfig);
  }

  /** Saves the template as a disabled rule (numbering the name when it is taken) and opens it in the editor. */
  protected use(tpl: RuleTemplate, attempt = 1): void {
    this.creating.set(tpl.key);
    const name = templateRuleName(tpl.rule.name, attempt);
    this.api.createRuleFromBody({ ...tpl.rule, name, isEnabled: false }).subscribe({
      next: (rule) => {
        this.creating.set(null);
        this.snackBar.open(`${rule.name} saved as a draft (disabled)`, undefined, { duration: 3000 });
        void this.router.navigate(['/workflows/rules', rule.id]);
      },
      error: (err: unknown) => {
        if (httpStatus(err) === 409 && attempt < MAX_NAME_ATTEMPTS) {
          this.use(tpl, attempt + 1);
          return;
        }
        this.creating.set(null);
        this.snackBar.open(`Could not create ${tpl.name}: ${errorText(err)}`, 'Dismiss');
      },
    });
  }
}
