// Sleeping in atomic context: a whole-program pass after the checks.
//
// A kernel function tagged @might_sleep (mutex_lock, wait_event,
// submit_bio_wait, synchronize_rcu, ...) may sleep; so may an allocation
// tagged @gfp whose gfp argument is not GFP_ATOMIC or GFP_NOWAIT, and any
// kmod-src function that calls one of these, directly or through others.
// None may be called where the kernel cannot sleep:
// - between rcu_read_lock() and rcu_read_unlock() in one function (in
//   source order, as kernel code pairs them);
// - in a function that runs in atomic context: one stored in or passed as
//   a function pointer whose type is tagged @atomic (bio_end_io_t: a bio
//   completion, maybe in interrupt context; percpu_ref_func_t: a release
//   that may run from an RCU callback).
// Each such call is KTS3014, with the chain down to what sleeps.
import { type CallExpression, type FunctionDeclaration, Node, SyntaxKind } from 'ts-morph';
import type { Checker } from './checker.js';
import { jsDocTags } from './model.js';

/** Why a function may sleep: the calls down to the sleeping one. */
type Chain = string[];

const NON_SLEEPING_GFP = new Set(['GFP_ATOMIC', 'GFP_NOWAIT']);

export function checkSleepingContexts(ck: Checker): void {
	const fns = new Map<string, FunctionDeclaration>();
	for (const u of ck.fe.units)
		for (const sf of u.files)
			for (const fn of sf.getFunctions()) {
				const name = fn.getName();
				if (name && fn.getBody()) fns.set(name, fn);
			}

	const memo = new Map<FunctionDeclaration, Chain | null>();
	const calleeOf = (call: CallExpression): FunctionDeclaration | undefined => {
		const callee = call.getExpression();
		const decl = Node.isIdentifier(callee) ? ck.model.declOf(callee) : undefined;
		return decl && Node.isFunctionDeclaration(decl) ? decl : undefined;
	};

	/** The chain through which this call may sleep, or null. */
	const callSleeps = (call: CallExpression): Chain | null => {
		const callee = calleeOf(call);
		const name = call.getExpression().getText();
		if (callee && ck.model.isPrelude(callee)) {
			const tags = jsDocTags(callee);
			if (tags.has('might_sleep')) return [name];
			if (tags.has('gfp')) {
				const i = callee.getParameters().findIndex((p) => p.getName() === tags.get('gfp'));
				const gfp = call.getArguments()[i]?.getText();
				if (gfp !== undefined && !NON_SLEEPING_GFP.has(gfp)) return [`${name}(${gfp})`];
			}
			return null;
		}
		if (!callee) return null;
		const inner = sleeps(callee);
		return inner ? [name, ...inner] : null;
	};

	const sleeps = (fn: FunctionDeclaration): Chain | null => {
		if (memo.has(fn)) return memo.get(fn)!;
		memo.set(fn, null); // recursion: assume not, as the kernel's own checks do
		let why: Chain | null = null;
		for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
			why = callSleeps(call);
			if (why) break;
		}
		memo.set(fn, why);
		return why;
	};

	const report = (call: CallExpression, chain: Chain, where: string) =>
		ck.report(call, 'KTS3014', call.getExpression().getText(), chain.join(' -> '), where);

	// functions the kernel calls in atomic context, and why
	// (named in function bodies and in file-scope initialisers: ops tables)
	const atomic = new Map<FunctionDeclaration, string>();
	const scopes: Node[] = [...fns.values(), ...ck.fe.units.flatMap((u) => u.files.flatMap((sf) => sf.getVariableDeclarations()))];
	for (const scope of scopes)
		for (const id of scope.getDescendantsOfKind(SyntaxKind.Identifier)) {
			const target = fns.get(id.getText());
			if (!target || ck.model.declOf(id) !== target) continue;
			const why = atomicSlot(ck, id);
			if (why && !atomic.has(target)) atomic.set(target, why);
		}

	for (const fn of fns.values()) {
		const inAtomic = atomic.get(fn);
		let rcu = 0;
		for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
			const name = call.getExpression().getText();
			if (name === 'rcu_read_lock') rcu++;
			else if (name === 'rcu_read_unlock') rcu = Math.max(0, rcu - 1);
			if (!inAtomic && !rcu) continue;
			const chain = callSleeps(call);
			if (!chain) continue;
			report(call, chain, inAtomic ? `${fn.getName()}() runs in atomic context (${inAtomic})` : 'it is called inside rcu_read_lock()');
		}
	}
}

/**
 * Whether the function named by `id` goes into a slot whose function type
 * is tagged @atomic (assigned to such a field, passed for such a
 * parameter, or given in an initialiser): returns the tag's reason.
 */
function atomicSlot(ck: Checker, id: Node): string | undefined {
	const p = id.getParent();
	let typeNode: Node | undefined;
	if (p && Node.isBinaryExpression(p) && p.getRight() === id && p.getOperatorToken().getText() === '=') {
		const left = p.getLeft();
		if (Node.isPropertyAccessExpression(left)) typeNode = declaredType(left.getNameNode().getSymbol()?.getDeclarations()[0]);
	} else if (p && Node.isCallExpression(p) && p.getArguments().includes(id)) {
		const decl = Node.isIdentifier(p.getExpression()) ? ck.model.declOf(p.getExpression()) : undefined;
		if (decl && Node.isFunctionDeclaration(decl)) typeNode = declaredType(decl.getParameters()[p.getArguments().indexOf(id)]);
	} else if (p && Node.isPropertyAssignment(p) && p.getInitializer() === id) {
		typeNode = declaredType(p.getSymbol()?.getDeclarations()[0]);
		const field = p.getNameNode().getText();
		const t = p.getParent()?.getContextualType?.();
		const prop = t?.getProperty(field)?.getDeclarations()[0];
		typeNode ??= declaredType(prop);
	}
	if (!typeNode || !Node.isTypeReference(typeNode)) return undefined;
	const alias = typeNode.getTypeName().getSymbol()?.getDeclarations()[0];
	if (!alias || !Node.isTypeAliasDeclaration(alias)) return undefined;
	const tags = jsDocTags(alias);
	return tags.has('atomic') ? tags.get('atomic') || alias.getName() : undefined;
}

function declaredType(decl: Node | undefined): Node | undefined {
	if (!decl) return undefined;
	if (Node.isPropertyDeclaration(decl) || Node.isParameterDeclaration(decl) || Node.isPropertySignature(decl)) return decl.getTypeNode();
	return undefined;
}
