import { HttpErrorResponse } from '@angular/common/http';
import { Subject } from 'rxjs';
import { RequestState } from './request-state';

describe('RequestState', () => {
  it('is running until the answer arrives, and a new run clears the previous answer', () => {
    const state = new RequestState<number>();
    const first = new Subject<number>();
    state.run(first);
    expect(state.running()).toBe(true);
    first.next(42);
    expect([state.running(), state.result(), state.error()]).toEqual([false, 42, null]);

    state.run(new Subject<number>());
    expect([state.running(), state.result(), state.error()]).toEqual([true, null, null]);
  });

  it('says in words what the server refused, and a refusal before sending drops the old answer', () => {
    const state = new RequestState<number>();
    const call = new Subject<number>();
    state.run(call);
    call.error(new HttpErrorResponse({ status: 400, error: { message: ['days must not be greater than 30'] } }));
    expect(state.running()).toBe(false);
    expect(state.error()).toContain('days must not be greater than 30');

    const answered = new Subject<number>();
    state.run(answered);
    answered.next(1);
    state.refuse('fix the rule first');
    expect([state.result(), state.error()]).toEqual([null, 'fix the rule first']);
  });
});
