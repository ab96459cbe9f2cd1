#include <bitset>
#include <cstdio>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    const int LIMIT = 100000;
    static bitset<LIMIT + 1> reachable;
    reachable[0] = true;
    for (int i = 0; i < n; i++) {
        int x;
        scanf("%d", &x);
        reachable |= reachable << x;
    }
    printf("%d\n", (int)reachable.count());
    return 0;
}
