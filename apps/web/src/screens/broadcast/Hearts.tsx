// Hearts floating up for each burst; with reduced motion the count alone changes.
import { useEffect, useState } from 'react';

const MAX_FLOATING = 12;

export function Hearts({ total, burst }: { total: number; burst: number }) {
  const [floating, setFloating] = useState<number[]>([]);
  useEffect(() => {
    if (burst <= 0) return;
    const started = Date.now();
    setFloating((list) => [
      ...list,
      ...Array.from({ length: Math.min(burst, MAX_FLOATING) }, (_, i) => started + i),
    ]);
    const timer = setTimeout(() => setFloating((list) => list.filter((id) => id < started)), 2000);
    return () => clearTimeout(timer);
  }, [total, burst]);
  return (
    <div className="hearts">
      <span>
        <span aria-hidden="true">♥</span> <span className="heart-count">{total}</span>{' '}
        {total === 1 ? 'heart' : 'hearts'}
      </span>
      <div className="hearts-float" aria-hidden="true">
        {floating.map((id, index) => (
          <span key={id} style={{ left: `${(index * 37) % 90}%` }}>
            ♥
          </span>
        ))}
      </div>
    </div>
  );
}
