import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { BreakpointObserver } from '@angular/cdk/layout';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatListModule } from '@angular/material/list';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { map } from 'rxjs';
import { AuthSession } from '../auth/auth-session';
import { AuthService } from '../auth/auth.service';
import { DisplaySettings } from '../core/display-settings';
import { LiveSocket } from '../core/live-socket';
import { NotificationCenter } from '../notifications/notification-center';
import { NotificationStore } from '../notifications/notification-store';
import { NotificationToaster } from '../notifications/notification-toaster';
import { DesktopNotifier } from '../notifications/desktop-notifier';
import { NotificationPreferencesStore } from '../notifications/notification-preferences-store';
import { UserMenu } from './user-menu';

interface NavLink {
  path: string;
  label: string;
  icon: string;
  testId: string;
  adminOnly: boolean;
}

const NAV_LINKS: NavLink[] = [
  { path: '/cases', label: 'Cases', icon: 'folder_open', testId: 'nav-cases', adminOnly: false },
  { path: '/workflows', label: 'Workflows', icon: 'account_tree', testId: 'nav-workflows', adminOnly: true },
  { path: '/history', label: 'History', icon: 'history', testId: 'nav-history', adminOnly: true },
  { path: '/dead-letters', label: 'Dead letters', icon: 'inbox', testId: 'nav-dead-letters', adminOnly: true },
  { path: '/webhooks', label: 'Webhooks', icon: 'bolt', testId: 'nav-webhooks', adminOnly: true },
  { path: '/email', label: 'E-mail', icon: 'mail', testId: 'nav-email', adminOnly: true },
  { path: '/users', label: 'Users', icon: 'person_outline', testId: 'nav-users', adminOnly: true },
  { path: '/audit', label: 'Audit log', icon: 'visibility', testId: 'nav-audit', adminOnly: true },
  { path: '/settings', label: 'Settings', icon: 'tune', testId: 'nav-settings', adminOnly: false },
  { path: '/account', label: 'Account', icon: 'account_circle', testId: 'nav-account', adminOnly: false },
];

/** The signed-in frame: toolbar (notifications, user menu), side navigation, and the routed page. */
@Component({
  selector: 'app-shell',
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatToolbarModule,
    MatSidenavModule,
    MatListModule,
    MatIconModule,
    MatButtonModule,
    MatTooltipModule,
    NotificationCenter,
    UserMenu,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './shell.html',
  styleUrl: './shell.scss',
})
export class Shell implements OnInit {
  private readonly session = inject(AuthSession);
  private readonly auth = inject(AuthService);
  private readonly notifications = inject(NotificationStore);
  private readonly toaster = inject(NotificationToaster);
  private readonly desktop = inject(DesktopNotifier);
  private readonly preferences = inject(NotificationPreferencesStore);
  private readonly display = inject(DisplaySettings);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly socket = inject(LiveSocket);

  protected readonly isHandset = toSignal(
    inject(BreakpointObserver).observe('(max-width: 900px)').pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  protected readonly navLinks = computed(() => NAV_LINKS.filter((link) => !link.adminOnly || this.session.isAdmin()));

  ngOnInit(): void {
    this.notifications.start();
    this.toaster.start();
    this.preferences.load();
    this.display.load();
    this.desktop.start();
    this.auth.refreshCurrentUser().subscribe({ error: () => undefined });
    this.destroyRef.onDestroy(() => {
      this.toaster.stop();
      this.desktop.stop();
      this.preferences.clear();
      this.notifications.stop();
    });
  }
}
