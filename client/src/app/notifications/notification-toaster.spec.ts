import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Subject, of } from 'rxjs';
import { NotificationStore } from './notification-store';
import { NotificationToaster } from './notification-toaster';
import type { NotificationView } from '../../../../contracts/api';
import type { LiveNotification } from '../../../../contracts/socket-events';

interface OpenedToast {
  data: NotificationView;
  panelClass: string[];
  duration: number | undefined;
  dismissed: Subject<{ dismissedByAction: boolean }>;
  action: Subject<void>;
}

function note(id: string, priority: LiveNotification['priority'] = 'NORMAL', toast = true): LiveNotification {
  return {
    id,
    userId: 'me',
    title: id,
    message: '',
    priority,
    entityType: null,
    entityId: null,
    linkUrl: `/cases/${id}`,
    isRead: false,
    createdAt: '',
    readAt: null,
    ruleId: null,
    ruleName: null,
    toast,
  };
}

describe('NotificationToaster', () => {
  let opened: OpenedToast[];
  let toaster: NotificationToaster;
  let markRead: ReturnType<typeof vi.fn>;
  let navigateByUrl: ReturnType<typeof vi.fn>;
  let otherSnackBar: () => Subject<{ dismissedByAction: boolean }>;
  let closeAll: () => void;

  beforeEach(() => {
    opened = [];
    markRead = vi.fn(() => of(undefined));
    navigateByUrl = vi.fn(() => Promise.resolve(true));
    const snackBar = {
      _openedSnackBarRef: null as unknown,
      openFromComponent(_component: unknown, config: { data: NotificationView; panelClass: string[]; duration?: number }) {
        const toast: OpenedToast = {
          data: config.data, panelClass: config.panelClass, duration: config.duration, dismissed: new Subject(), action: new Subject(),
        };
        opened.push(toast);
        const ref = { afterDismissed: () => toast.dismissed, onAction: () => toast.action };
        this._openedSnackBarRef = ref;
        return ref;
      },
    };
    otherSnackBar = () => {
      const dismissed = new Subject<{ dismissedByAction: boolean }>();
      snackBar._openedSnackBarRef = { afterDismissed: () => dismissed };
      return dismissed;
    };
    closeAll = () => (snackBar._openedSnackBarRef = null);
    TestBed.configureTestingModule({
      providers: [
        { provide: MatSnackBar, useValue: snackBar },
        { provide: NotificationStore, useValue: { markRead, arrivals$: new Subject() } },
        { provide: Router, useValue: { navigateByUrl } },
      ],
    });
    toaster = TestBed.inject(NotificationToaster);
  });

  it('queues toasts: the second waits until the first is dismissed', () => {
    toaster.enqueue(note('a'));
    toaster.enqueue(note('b'));
    expect(opened.map((t) => t.data.id)).toEqual(['a']);
    expect(toaster.pending).toBe(1);

    closeAll();
    opened[0].dismissed.next({ dismissedByAction: false });
    expect(opened.map((t) => t.data.id)).toEqual(['a', 'b']);
    expect(toaster.pending).toBe(0);
  });

  it('brings a toast back after another snackbar pushed it aside', () => {
    toaster.enqueue(note('a'));
    const saved = otherSnackBar(); // e.g. "Case saved" opens and replaces the toast
    opened[0].dismissed.next({ dismissedByAction: false });
    expect(opened.length).toBe(1);
    closeAll();
    saved.next({ dismissedByAction: false });
    expect(opened.map((t) => t.data.id)).toEqual(['a', 'a']);
  });

  it('makes URGENT and HIGH stand out, each its own way; URGENT stays until dismissed, the others go by themselves', () => {
    for (const priority of ['URGENT', 'HIGH', 'NORMAL', 'LOW'] as const) {
      toaster.enqueue(note(priority.toLowerCase(), priority));
      closeAll();
      opened[opened.length - 1].dismissed.next({ dismissedByAction: false });
    }
    const [urgent, high, normal, low] = opened;
    expect(urgent.panelClass).toEqual(['toast-standout', 'toast-urgent']);
    expect(high.panelClass).toEqual(['toast-standout', 'toast-high']);
    expect(normal.panelClass).toEqual(['toast-normal']);
    expect(low.panelClass).toEqual(['toast-normal']);
    expect(urgent.duration).toBeUndefined();
    expect(high.duration).toBeGreaterThan(normal.duration!);
    expect(normal.duration).toBeGreaterThan(0);
  });

  it('an URGENT toast holds the queue until the user dismisses it', () => {
    toaster.enqueue(note('urgent', 'URGENT'));
    toaster.enqueue(note('later', 'NORMAL'));
    expect(opened.map((t) => t.data.id)).toEqual(['urgent']);
    expect(toaster.pending).toBe(1);
    closeAll();
    opened[0].dismissed.next({ dismissedByAction: false });
    expect(opened.map((t) => t.data.id)).toEqual(['urgent', 'later']);
  });

  it('shows a toast exactly when the server decided so, whatever the priority', () => {
    toaster.enqueue(note('urgent-but-quiet', 'URGENT', false));
    expect(opened).toEqual([]);
    expect(toaster.pending).toBe(0);
    toaster.enqueue(note('low-but-wanted', 'LOW', true));
    expect(opened.map((t) => t.data.id)).toEqual(['low-but-wanted']);
  });

  it('muting a rule drops its toasts still waiting in the queue', () => {
    toaster.enqueue(note('showing'));
    toaster.enqueue({ ...note('muted-1'), ruleId: 'r1' });
    toaster.enqueue({ ...note('other'), ruleId: 'r2' });
    toaster.enqueue({ ...note('muted-2'), ruleId: 'r1' });
    toaster.dropRule('r1');
    expect(toaster.pending).toBe(1);
    closeAll();
    opened[0].dismissed.next({ dismissedByAction: false });
    expect(opened.map((t) => t.data.id)).toEqual(['showing', 'other']);
  });

  it('"Open" marks the notification read and navigates to its link', () => {
    toaster.enqueue(note('c1'));
    opened[0].action.next();
    expect(markRead).toHaveBeenCalledWith('c1');
    expect(navigateByUrl).toHaveBeenCalledWith('/cases/c1');
  });
});
