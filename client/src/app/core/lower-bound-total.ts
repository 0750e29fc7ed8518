import { Directive, effect, inject, Injectable, input } from '@angular/core';
import { MatPaginatorIntl } from '@angular/material/paginator';

/** The paginator's words, with "10,000+" instead of "10,000" when the server counted only that far. */
@Injectable()
export class LowerBoundPaginatorIntl extends MatPaginatorIntl {
  lowerBound = false;

  override getRangeLabel = (page: number, pageSize: number, length: number): string => {
    const of = `${length.toLocaleString('en-US')}${this.lowerBound ? '+' : ''}`;
    if (length === 0 || pageSize === 0) return `0 of ${of}`;
    const start = page * pageSize;
    const end = Math.min(start + pageSize, length);
    return `${(start + 1).toLocaleString('en-US')} – ${end.toLocaleString('en-US')} of ${of}`;
  };
}

/**
 * On a `mat-paginator` fed by a list that may answer `totalIsLowerBound` (more than 10,000 matches are not
 * counted): the range label then reads "1 – 25 of 10,000+".
 */
@Directive({
  selector: 'mat-paginator[acosTotalIsLowerBound]',
  providers: [{ provide: MatPaginatorIntl, useClass: LowerBoundPaginatorIntl }],
})
export class TotalIsLowerBound {
  readonly acosTotalIsLowerBound = input(false);

  constructor() {
    const intl = inject(MatPaginatorIntl) as LowerBoundPaginatorIntl;
    effect(() => {
      intl.lowerBound = this.acosTotalIsLowerBound();
      intl.changes.next();
    });
  }
}
