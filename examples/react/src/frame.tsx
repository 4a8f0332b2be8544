import type { ReactNode } from 'react';
import { userMessage, type OnboardingError } from 'onboarding-sdk';

/**
 * What both journeys put around a screen: the brand, the stepper and the
 * alert. The alert speaks to the end user (`userMessage`), never with the
 * SDK's technical message; a schema's own messages are the user's words.
 */
export function Frame(props: {
  phase: string;
  journey: string;
  tag: string;
  stepNames: readonly string[];
  labels: Record<string, string>;
  shownIndex: number;
  finished: boolean;
  alert: OnboardingError | null | false | undefined;
  children: ReactNode;
}) {
  const { phase, journey, tag, stepNames, labels, shownIndex, finished, alert, children } = props;
  return (
    <div id="app" data-status={phase} data-journey={journey}>
      <header className="brand">
        <span className="logo" aria-hidden="true">N</span>
        <span className="brand-name">Northwind Bank</span>
        <span className="brand-tag">{tag}</span>
      </header>
      <ol className="stepper" aria-label="Progress">
        {stepNames.map((name, i) => {
          const status = finished || i < shownIndex ? 'done' : i === shownIndex ? 'current' : 'todo';
          return (
            <li key={name} data-status={status} aria-current={status === 'current' ? 'step' : undefined}>
              {labels[name]}
            </li>
          );
        })}
      </ol>
      {alert && (
        <div className="alert" role="alert">
          {alert.code === 'validation_error' ? (alert.issues?.map((i) => i.message).join(' · ') ?? userMessage(alert)) : userMessage(alert)}
        </div>
      )}
      {children}
    </div>
  );
}
