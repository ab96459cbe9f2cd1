#include <cstdio>
#include <functional>
#include <queue>
#include <vector>

// One min-heap per shop; only the shops the input names are ever used.
std::priority_queue<int, std::vector<int>, std::greater<>> offers[50000];

int main() {
    int q;
    scanf("%d", &q);
    while (q--) {
        int kind, shop;
        scanf("%d %d", &kind, &shop);
        if (kind == 1) {
            int price;
            scanf("%d", &price);
            offers[shop].push(price);
        } else if (offers[shop].empty()) {
            printf("none\n");
        } else {
            printf("%d\n", offers[shop].top());
            offers[shop].pop();
        }
    }
}
