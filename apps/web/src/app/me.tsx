// The signed-in account, read once and shared by every screen.
import { createContext, useContext } from 'react';
import type { MeQuery } from '../generated/graphql';

export type Me = NonNullable<MeQuery['me']>;
export const MeContext = createContext<Me | null>(null);
export const useMe = (): Me | null => useContext(MeContext);
