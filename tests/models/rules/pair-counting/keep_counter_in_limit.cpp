#include <iostream>

int main() {
    int a[5] = {1, 2, 3, 4, 5};
    int c = 0;
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++)
            if (a[i] + a[j] < c + 6) c++;
    std::cout << c << "\n";
}
