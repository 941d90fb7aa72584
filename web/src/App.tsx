import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { ApiError } from './api/client';
import { AuthProvider, useAuth } from './auth';
import { Layout } from './components/Layout';
import { Loading } from './components/ui';
import { LoginPage, RegisterPage } from './pages/Login';

// Pages load on first visit: the charts library stays out of the login page's bundle.
const AnalyticsPage = lazy(() =>
  import('./pages/Analytics').then((m) => ({ default: m.AnalyticsPage })),
);
const BatchDetailPage = lazy(() =>
  import('./pages/BatchDetail').then((m) => ({ default: m.BatchDetailPage })),
);
const BatchesPage = lazy(() => import('./pages/Batches').then((m) => ({ default: m.BatchesPage })));
const BatchNewPage = lazy(() =>
  import('./pages/BatchNew').then((m) => ({ default: m.BatchNewPage })),
);
const ComparePage = lazy(() => import('./pages/Compare').then((m) => ({ default: m.ComparePage })));
const DashboardPage = lazy(() =>
  import('./pages/Dashboard').then((m) => ({ default: m.DashboardPage })),
);
const DatasetDetailPage = lazy(() =>
  import('./pages/Datasets').then((m) => ({ default: m.DatasetDetailPage })),
);
const DatasetsPage = lazy(() =>
  import('./pages/Datasets').then((m) => ({ default: m.DatasetsPage })),
);
const ExperimentDetailPage = lazy(() =>
  import('./pages/ExperimentDetail').then((m) => ({ default: m.ExperimentDetailPage })),
);
const ExperimentFormPage = lazy(() =>
  import('./pages/ExperimentForm').then((m) => ({ default: m.ExperimentFormPage })),
);
const ExperimentsPage = lazy(() =>
  import('./pages/Experiments').then((m) => ({ default: m.ExperimentsPage })),
);
const SettingsPage = lazy(() =>
  import('./pages/Settings').then((m) => ({ default: m.SettingsPage })),
);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 2_000,
      refetchOnWindowFocus: false,
      // Client errors (4xx) will not get better by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
});

function RequireAuth({ children }: { children: ReactNode }) {
  const { user, checking } = useAuth();
  const location = useLocation();
  if (checking) return <Loading label="Checking your session…" />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <>{children}</>;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <BrowserRouter>
          <Suspense fallback={<Loading />}>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route path="/register" element={<RegisterPage />} />
              <Route
                element={
                  <RequireAuth>
                    <Layout />
                  </RequireAuth>
                }
              >
                <Route index element={<DashboardPage />} />
                <Route path="experiments" element={<ExperimentsPage />} />
                <Route path="experiments/new" element={<ExperimentFormPage />} />
                <Route path="experiments/:id" element={<ExperimentDetailPage />} />
                <Route path="experiments/:id/edit" element={<ExperimentFormPage />} />
                <Route path="compare" element={<ComparePage />} />
                <Route path="batches" element={<BatchesPage />} />
                <Route path="batches/new" element={<BatchNewPage />} />
                <Route path="batches/:id" element={<BatchDetailPage />} />
                <Route path="analytics" element={<AnalyticsPage />} />
                <Route path="datasets" element={<DatasetsPage />} />
                <Route path="datasets/:id" element={<DatasetDetailPage />} />
                <Route path="settings" element={<SettingsPage />} />
                <Route path="*" element={<Navigate to="/" replace />} />
              </Route>
            </Routes>
          </Suspense>
        </BrowserRouter>
      </AuthProvider>
    </QueryClientProvider>
  );
}
