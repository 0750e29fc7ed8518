import { ChangeDetectionStrategy, Component, effect, inject, input, output, signal } from '@angular/core';
import { DecimalPipe } from '@angular/common';
import { DateTimePipe } from '../core/date-time.pipe';
import { HttpErrorResponse, HttpEventType } from '@angular/common/http';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Subscription } from 'rxjs';
import { errorText } from '../core/api-errors';
import { FileDownload } from '../core/file-download';
import { UsersDirectory } from '../core/users-directory';
import { CasesApi } from './cases-api';
import type { EvidenceView } from '../../../../contracts/api';

/** Evidence files of a case: list, download (with the bearer token), and upload with progress. */
@Component({
  selector: 'app-case-evidence',
  imports: [
    DateTimePipe,
    DecimalPipe,
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatTableModule,
    MatTooltipModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './case-evidence.html',
  styleUrl: './case-evidence.scss',
})
export class CaseEvidence {
  private readonly api = inject(CasesApi);
  private readonly download = inject(FileDownload);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly users = inject(UsersDirectory);

  readonly caseId = input.required<string>();
  readonly canUpload = input(false);
  readonly uploaded = output<EvidenceView>();

  protected readonly columns = ['filename', 'description', 'size', 'uploadedBy', 'createdAt', 'sha256', 'download'];
  protected readonly items = signal<EvidenceView[]>([]);
  protected readonly loading = signal(false);
  protected readonly selectedFile = signal<File | null>(null);
  protected readonly uploadProgress = signal<number | null>(null);
  protected readonly uploadError = signal<string | null>(null);
  protected readonly downloading = signal<string | null>(null);
  protected description = '';
  private upload: Subscription | null = null;

  constructor() {
    effect((onCleanup) => {
      const sub = this.load(this.caseId());
      onCleanup(() => sub.unsubscribe());
    });
  }

  protected onFilePicked(event: Event): void {
    const inputEl = event.target as HTMLInputElement;
    this.selectedFile.set(inputEl.files?.[0] ?? null);
    this.uploadError.set(null);
  }

  protected startUpload(fileInput: HTMLInputElement): void {
    const file = this.selectedFile();
    if (!file || this.uploadProgress() !== null) return;
    this.uploadProgress.set(0);
    this.uploadError.set(null);
    this.upload = this.api.uploadEvidence(this.caseId(), file, this.description).subscribe({
      next: (event) => {
        if (event.type === HttpEventType.UploadProgress) {
          this.uploadProgress.set(event.total ? Math.round((100 * event.loaded) / event.total) : 50);
        } else if (event.type === HttpEventType.Response && event.body) {
          const evidence = event.body;
          this.items.update((items) => [evidence, ...items.filter((e) => e.id !== evidence.id)]);
          this.uploadProgress.set(null);
          this.selectedFile.set(null);
          this.description = '';
          fileInput.value = '';
          this.uploaded.emit(evidence);
          this.snackBar.open(`${evidence.filename} uploaded`, undefined, { duration: 3000 });
        }
      },
      error: (err: unknown) => {
        this.uploadProgress.set(null);
        this.uploadError.set(uploadErrorMessage(err));
      },
    });
  }

  protected cancelUpload(): void {
    this.upload?.unsubscribe();
    this.uploadProgress.set(null);
  }

  protected save(item: EvidenceView): void {
    this.downloading.set(item.id);
    this.download.save(this.api.evidenceDownloadUrl(item.id), item.filename).subscribe({
      next: () => this.downloading.set(null),
      error: (err: unknown) => {
        this.downloading.set(null);
        this.snackBar.open(`Download failed: ${errorText(err)}`, 'Dismiss');
      },
    });
  }

  protected formatSize(bytes: number): string {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  }

  private load(caseId: string): Subscription {
    this.loading.set(true);
    return this.api.evidence(caseId).subscribe({
      next: (items) => {
        this.items.set(items);
        this.loading.set(false);
      },
      error: () => this.loading.set(false),
    });
  }
}

function uploadErrorMessage(err: unknown): string {
  if (err instanceof HttpErrorResponse) {
    if (err.status === 413) return 'The file is larger than the server accepts.';
    if (err.status === 415) return 'This type of file is not accepted.';
  }
  return errorText(err);
}
