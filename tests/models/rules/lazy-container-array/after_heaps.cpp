#include <cstdio>
#include <functional>
#include <queue>
#include <vector>

// One min-heap per shop; only the shops the input names are ever used.
#include <cstddef>
#include <new>
// T[N] whose elements are constructed on first use: a T[N] builds all N at startup.
template <class T, std::size_t N>
struct pie_lazy_array {
    alignas(T) unsigned char raw[N][sizeof(T)];
    bool made[N];
    T& operator[](std::size_t i) {
        if (!made[i]) {
            ::new (static_cast<void*>(raw[i])) T();
            made[i] = true;
        }
        return *std::launder(reinterpret_cast<T*>(raw[i]));
    }
    ~pie_lazy_array() {
        for (std::size_t i = N; i-- > 0;)
            if (made[i]) std::launder(reinterpret_cast<T*>(raw[i]))->~T();
    }
};
pie_lazy_array<std::priority_queue<int, std::vector<int>, std::greater<>>, (50000)> offers;

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
