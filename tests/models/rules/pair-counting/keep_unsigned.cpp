#include <iostream>
#include <vector>

int main() {
    std::vector<unsigned> a = {3, 1, 4, 1, 5, 9, 2, 6};
    long long c = 0;
    for (int i = 0; i < 8; i++)
        for (int j = i + 1; j < 8; j++)
            if (a[i] + a[j] <= 7u) c++;
    std::cout << c << "\n";
}
