// The WEB See it link (/watch?broadcast=… or /watch?show=…) opens the broadcast or show page.
import { useEffect } from 'react';
import { navigate, useLocation } from '../../app/router';

export function WatchRedirect() {
  const { searchParams } = useLocation();
  const broadcast = searchParams.get('broadcast');
  const show = searchParams.get('show');
  useEffect(() => {
    if (broadcast) navigate(`/broadcasts/${encodeURIComponent(broadcast)}`, true);
    else if (show) navigate(`/shows/${encodeURIComponent(show)}`, true);
  }, [broadcast, show]);
  return <p>Nothing to watch at this link.</p>;
}
