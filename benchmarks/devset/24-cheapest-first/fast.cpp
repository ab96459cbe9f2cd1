#include <bits/stdc++.h>
using namespace std;

int main() {
    int q;
    scanf("%d", &q);
    priority_queue<int, vector<int>, greater<int>> pool;
    long long paid = 0;
    int served = 0;
    while (q--) {
        int t;
        scanf("%d", &t);
        if (t == 1) {
            int x;
            scanf("%d", &x);
            pool.push(x);
        } else if (!pool.empty()) {
            paid += pool.top();
            pool.pop();
            served++;
        }
    }
    printf("%d %lld %d\n", served, paid, (int)pool.size());
}
