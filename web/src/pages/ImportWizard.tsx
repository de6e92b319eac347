// SPDX-License-Identifier: AGPL-3.0-or-later
// Import wizard: choose a CSV file → dry run (POST /api/v1/imports/clients?
// dry_run=1, the file as text/csv) → a report with every bad row's line and
// reason, and the columns not recognised (which can be mapped to a field) →
// import (the same request without dry_run; all or nothing).
import { useRef, useState } from 'preact/hooks';
import { ApiError, api, capitalize, type ImportReport, type User } from '../api';
import { Icon } from '../components/icons';
import { Alert, Button, Loading, PageHeader } from '../components/ui';
import { describeError } from '../errors';
import { t } from '../i18n';
import { fieldName } from '../labels';
import { navigate } from '../state';

type Step = 'file' | 'check' | 'done';

/** Fields a column can be mapped to (the import's names). */
const MAP_FIELDS = [
  'name', 'company_code', 'vat_code', 'country', 'type', 'segment', 'status', 'owner_id', 'industry', 'source', 'city',
  'address', 'delivery_address', 'email', 'phone', 'website', 'price_type', 'payment_terms_days', 'credit_limit',
  'credit_limit_currency', 'contract_terms', 'notes', 'contact_name', 'contact_position', 'contact_phone',
  'contact_email', 'contact_birthday', 'contact_decision_maker',
] as const;

function mapLabel(f: string): string {
  if (f.startsWith('contact_')) return `${t('import.map.contact')}: ${fieldName('contact', f === 'contact_phone' ? 'phones' : f === 'contact_email' ? 'emails' : f.slice(8))}`;
  if (f === 'credit_limit_currency') return `${fieldName('client', 'credit_limit')} (${t('client.currency')})`;
  return fieldName('client', f);
}

function Steps({ step }: { step: Step }) {
  const steps: [Step, string][] = [
    ['file', t('import.step.file')],
    ['check', t('import.step.check')],
    ['done', t('import.step.done')],
  ];
  const at = steps.findIndex(([s]) => s === step);
  return (
    <ol class="steps" aria-label={t('import.steps')}>
      {steps.map(([s, label], i) => (
        <li key={s} class={i < at ? 'is-done' : i === at ? 'is-on' : ''} aria-current={i === at ? 'step' : undefined}>
          <span class="step-num">{i < at ? <Icon name="check" size={12} /> : i + 1}</span>
          {label}
        </li>
      ))}
    </ol>
  );
}

function Summary({ r }: { r: ImportReport }) {
  const cells: [string, number, string?][] = [
    [t('import.summary.rows'), r.rows],
    [t('import.summary.create'), r.created],
    [t('import.summary.update'), r.updated],
    [t('import.summary.unchanged'), r.unchanged],
    [t('import.summary.contacts'), r.contacts_created + r.contacts_updated],
    [t('import.summary.errors'), r.error_count, r.error_count ? 'is-bad' : 'is-good'],
  ];
  return (
    <div class="stats stats-6">
      {cells.map(([label, n, cls]) => (
        <div class={`stat ${cls ?? ''}`} key={label}>
          <span class="stat-num">{n}</span>
          <span class="stat-label">{label}</span>
        </div>
      ))}
    </div>
  );
}

export function ImportWizard(_props: { user: User }) {
  const [step, setStep] = useState<Step>('file');
  const [file, setFile] = useState<File | null>(null);
  const [delimiter, setDelimiter] = useState('');
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const send = async (dryRun: boolean): Promise<ImportReport | null> => {
    if (!file) {
      setError(t('import.noFile'));
      return null;
    }
    const map: Record<string, string | null> = {};
    for (const [col, f] of Object.entries(mapping)) if (f) map[col] = f;
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<ImportReport>('imports/clients', undefined, {
        raw: { data: file, type: 'text/csv' },
        query: { dry_run: dryRun ? 1 : null, delimiter: delimiter || null, mapping: Object.keys(map).length ? JSON.stringify(map) : null },
      });
      return res.data;
    } catch (e) {
      // 400 with the report in the problem body: bad rows, nothing written.
      if (e instanceof ApiError && e.status === 400 && Array.isArray((e.problem as unknown as ImportReport).errors)) {
        return e.problem as unknown as ImportReport;
      }
      setError(describeError(e));
      return null;
    } finally {
      setBusy(false);
    }
  };

  const check = async () => {
    const r = await send(true);
    if (r) {
      setReport(r);
      setStep('check');
    }
  };
  const commit = async () => {
    const r = await send(false);
    if (r) {
      setReport(r);
      setStep(r.error_count ? 'check' : 'done');
    }
  };
  /** Back to the first step; a corrected version of the same file keeps the column mapping. */
  const restart = (keepMapping: boolean) => {
    setStep('file');
    setFile(null);
    setReport(null);
    if (!keepMapping) setMapping({});
    if (inputRef.current) inputRef.current.value = '';
  };

  return (
    <div class="page import">
      <nav class="crumbs" aria-label={t('card.crumbs')}>
        <a
          href="/clients"
          onClick={(e: MouseEvent) => {
            e.preventDefault();
            navigate('/clients');
          }}
        >
          <Icon name="arrowLeft" size={13} />
          {t('card.back')}
        </a>
      </nav>
      <PageHeader title={t('import.title')} subtitle={t('import.subtitle')} />
      <Steps step={step} />

      {step === 'file' ? (
        <section class="panel">
          <div class="field" data-field="file">
            <label for="import-file">{t('import.file')}</label>
            <label class={file ? 'dropzone has-file' : 'dropzone'}>
              <Icon name={file ? 'file' : 'upload'} size={22} />
              <span class="dz-text">{file ? file.name : t('import.choose')}</span>
              <span class="dz-hint">{file ? `${(file.size / 1024).toFixed(1)} KB` : t('import.fileHint')}</span>
              <input
                ref={inputRef}
                id="import-file"
                type="file"
                accept=".csv,text/csv,text/plain"
                onChange={(e) => {
                  setFile(e.currentTarget.files?.[0] ?? null);
                  setError(null);
                }}
              />
            </label>
          </div>
          <div class="field field-inline" data-field="delimiter">
            <label for="import-delim">{t('import.delimiter')}</label>
            <select id="import-delim" class="filter" value={delimiter} onChange={(e) => setDelimiter(e.currentTarget.value)}>
              <option value="">{t('import.delimiter.auto')}</option>
              <option value="semicolon">{t('import.delimiter.semicolon')}</option>
              <option value="comma">{t('import.delimiter.comma')}</option>
              <option value="tab">{t('import.delimiter.tab')}</option>
            </select>
          </div>
          <p class="field-hint">{t('import.rules')}</p>
          {error ? <Alert>{error}</Alert> : null}
          <div class="form-actions">
            <Button onClick={() => navigate('/clients')}>{t('common.cancel')}</Button>
            <Button kind="primary" icon="arrowRight" busy={busy} disabled={!file} onClick={() => void check()}>
              {t('import.check')}
            </Button>
          </div>
        </section>
      ) : null}

      {step !== 'file' && report ? (
        <section class="panel" aria-labelledby="import-report">
          <header class="panel-head">
            <h2 id="import-report">
              {step === 'done' ? t('import.doneTitle') : t('import.reportTitle')}
              {file ? <span class="muted"> · {file.name}</span> : null}
            </h2>
          </header>
          <Summary r={report} />
          {step === 'done' ? (
            <Alert kind="ok">{t('import.done', { created: report.created, updated: report.updated, unchanged: report.unchanged })}</Alert>
          ) : report.error_count ? (
            <Alert>{t('import.bad')}</Alert>
          ) : (
            <Alert kind="ok">{t('import.ok')}</Alert>
          )}

          {report.errors.length ? (
            <div class="table-wrap">
              <table class="table table-import" aria-label={t('import.errorsTitle')}>
                <thead>
                  <tr>
                    <th scope="col" class="col-line">
                      {t('import.col.line')}
                    </th>
                    <th scope="col">{t('import.col.column')}</th>
                    <th scope="col">{t('import.col.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.errors.map((e, i) => (
                    <tr key={i}>
                      <td class="col-line num">{e.line || t('common.none')}</td>
                      <td>{e.column ?? (e.field ? fieldName('client', e.field) : <span class="muted">{t('common.none')}</span>)}</td>
                      <td class="cell-wrap">{e.column && e.message.startsWith(`${e.column}: `) ? capitalize(e.message.slice(e.column.length + 2)) : e.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {report.error_count > report.errors.length ? <p class="field-hint">{t('import.moreErrors', { shown: report.errors.length, n: report.error_count })}</p> : null}

          {step === 'check' && report.ignored_columns.length ? (
            <div class="mapping">
              <h3 class="card-sub">{t('import.map.title')}</h3>
              <p class="field-hint">{t('import.map.hint')}</p>
              <table class="table table-map">
                <thead>
                  <tr>
                    <th scope="col">{t('import.map.column')}</th>
                    <th scope="col">{t('import.map.field')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.ignored_columns.map((col) => (
                    <tr key={col}>
                      <td class="mono">{col}</td>
                      <td>
                        <select class="filter" aria-label={`${t('import.map.field')}: ${col}`} value={mapping[col] ?? ''} onChange={(e) => setMapping((m) => ({ ...m, [col]: e.currentTarget.value }))}>
                          <option value="">{t('import.map.ignore')}</option>
                          {MAP_FIELDS.map((f) => (
                            <option key={f} value={f}>
                              {mapLabel(f)}
                            </option>
                          ))}
                        </select>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}

          {error ? <Alert>{error}</Alert> : null}
          {busy ? <Loading /> : null}
          <div class="form-actions">
            {step === 'done' ? (
              <>
                <Button onClick={() => restart(false)} icon="upload">
                  {t('import.another')}
                </Button>
                <Button kind="primary" onClick={() => navigate('/clients?sort=-updated')} icon="arrowRight">
                  {t('import.toClients')}
                </Button>
              </>
            ) : (
              <>
                <Button onClick={() => restart(true)} icon="arrowLeft">
                  {t('import.chooseOther')}
                </Button>
                <Button onClick={() => void check()} icon="refresh" busy={busy}>
                  {t('import.checkAgain')}
                </Button>
                <Button kind="primary" icon="check" busy={busy} disabled={report.error_count > 0 || report.rows === 0} onClick={() => void commit()}>
                  {t('import.commit', { n: report.rows })}
                </Button>
              </>
            )}
          </div>
        </section>
      ) : null}
    </div>
  );
}
